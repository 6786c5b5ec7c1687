/**
 * The core step shared by every entry point: bytes, envelope and rules in; outcome, bytes,
 * actions and reports out. Knows MIME and rules; a platform (WorkMail, SMTP) is handed in.
 */
export {
  processMessage,
  decideWithoutInspection,
  type ProcessInput,
  type ProcessOutcome,
  type ProcessStatus,
  type MessageEnvelope,
} from './process-message.js';
export type { ContentPolicy, ContentProblem, MailPlatform } from './content-policy.js';
export { bareLineBreaks, lazyBareLineBreaks, lineProblems, multipartProblems, type BareLineBreaks } from './content-checks.js';
