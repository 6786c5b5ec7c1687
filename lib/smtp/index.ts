/**
 * wmflow as an SMTP content filter (`wmflow smtp`, `wmflow filter`): the core step with an SMTP
 * platform, decisions turned into SMTP transactions and replies.
 */
export { SMTP_PLATFORM, SMTP_CONTENT_POLICY } from './platform.js';
export { SmtpFilter, DEFAULT_MAX_CLIENTS, DEFAULT_MAX_SIZE, type SmtpFilterOptions, type SmtpFilterEvent } from './server.js';
export {
  planDelivery,
  passThroughPlan,
  directionOf,
  allOrgDomains,
  type DeliveryPlan,
  type Delivery,
  type PlanOptions,
  type SmtpEnvelope,
} from './delivery-plan.js';
export { DEFAULT_JUNK_HEADER, parseJunkHeader, withJunkHeader, type JunkHeader } from './junk-header.js';
export { RelaySession, ehloKeywords, type RelayTarget, type RelayAccepted, type DeclaredBody } from './relay.js';
export { SmtpReplyError, replyText } from './errors.js';
export { collectMessage, type Collected } from './collect.js';
