import { processMessage, type ProcessOutcome } from '../core/index.js';
import { decideDelivery, isInternal, type ActionType, type FlowDirection, type RulesConfig } from '../rules/index.js';
import { withJunkHeader, type JunkHeader } from './junk-header.js';
import { SMTP_PLATFORM } from './platform.js';

/** The SMTP envelope of one message, exactly as the client gave it. */
export interface SmtpEnvelope {
  /** MAIL FROM (`''` for the null sender of a bounce). */
  mailFrom: string;
  /** Every RCPT TO, in order. */
  recipients: readonly string[];
}

/** One transaction to the next hop: the same bytes for these recipients. */
export interface Delivery {
  recipients: string[];
  bytes: Buffer;
  /** Whether the junk header was added (MOVE_TO_JUNK). */
  junk: boolean;
}

/** What to do with one message, per recipient, after the rules ran. */
export interface DeliveryPlan {
  direction: FlowDirection;
  /** The core step's outcome (status, reports, reasons); absent when it failed and `onError: 'pass'` relays the original. */
  outcome?: ProcessOutcome | undefined;
  /** At most two transactions: recipients without and with the junk header. */
  deliveries: Delivery[];
  /** Recipients a rule bounced, with the text for the sender. */
  bounced: { recipient: string; message: string }[];
  /** Recipients a rule dropped. */
  dropped: string[];
  /** The action decided for each recipient, in envelope order. */
  decisions: { recipient: string; action: ActionType }[];
}

/** What {@link planDelivery} needs besides the message. */
export interface PlanOptions {
  config: RulesConfig;
  /** Organisation domains beyond the config's `orgDomains`. */
  orgDomains?: readonly string[] | undefined;
  /** Overrides the direction the envelope implies. */
  direction?: FlowDirection | undefined;
  /** @default {@link DEFAULT_JUNK_HEADER} via the caller */
  junkHeader: JunkHeader;
  /** Time budget for the rules: rules not started by then follow their uninspectable policy. @default 20000 */
  timeoutMs?: number | undefined;
}

/** Outbound when MAIL FROM is in the organisation's domains, inbound otherwise (the null sender too). */
export function directionOf(mailFrom: string, orgDomains: readonly string[]): FlowDirection {
  return mailFrom && isInternal(mailFrom, orgDomains) ? 'OUTBOUND' : 'INBOUND';
}

/** The config's organisation domains with the extra ones, lower-cased and unique. */
export function allOrgDomains(config: RulesConfig, extra: readonly string[] = []): string[] {
  return [...new Set([...config.orgDomains, ...extra].map((d) => d.trim().toLowerCase()).filter(Boolean))];
}

/**
 * Runs the core step ({@link processMessage}, the same as the Lambda's) on one SMTP message and
 * turns its delivery decisions into transactions for the next hop: BOUNCE and DROP recipients
 * are left out, MOVE_TO_JUNK recipients get the junk header spliced into the delivered bytes,
 * DEFAULT and BYPASS_SPAM_CHECK recipients get the delivered bytes as they are. The delivered
 * bytes are the rules' result when the platform accepts it, else the original (the outcome's
 * `bytes`). Throws only on unexpected errors (rule failures are the outcome's business).
 */
export async function planDelivery(bytes: Buffer, envelope: SmtpEnvelope, options: PlanOptions): Promise<DeliveryPlan> {
  const orgDomains = allOrgDomains(options.config, options.orgDomains);
  const direction = options.direction ?? directionOf(envelope.mailFrom, orgDomains);
  const outcome = await processMessage({
    bytes,
    envelope: { direction, mailFrom: envelope.mailFrom, recipients: envelope.recipients },
    rules: options.config.rules,
    orgDomains,
    platform: SMTP_PLATFORM,
    signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
  });
  const { perRecipient } = decideDelivery(outcome.actions, envelope.recipients, SMTP_PLATFORM.actionsFor(direction));
  const plain: string[] = [];
  const junk: string[] = [];
  const plan: DeliveryPlan = { direction, outcome, deliveries: [], bounced: [], dropped: [], decisions: [] };
  for (const recipient of envelope.recipients) {
    const decision = perRecipient.get(recipient.toLowerCase())?.decision ?? { type: 'DEFAULT' as const };
    plan.decisions.push({ recipient, action: decision.type });
    if (decision.type === 'BOUNCE') plan.bounced.push({ recipient, message: decision.bounceMessage ?? '' });
    else if (decision.type === 'DROP') plan.dropped.push(recipient);
    else if (decision.type === 'MOVE_TO_JUNK') junk.push(recipient);
    else plain.push(recipient);
  }
  if (plain.length) plan.deliveries.push({ recipients: plain, bytes: outcome.bytes, junk: false });
  if (junk.length) plan.deliveries.push({ recipients: junk, bytes: withJunkHeader(outcome.bytes, options.junkHeader), junk: true });
  return plan;
}

/** The plan when the core step failed unexpectedly and the original is relayed as it came. */
export function passThroughPlan(bytes: Buffer, envelope: SmtpEnvelope, direction: FlowDirection): DeliveryPlan {
  return {
    direction,
    deliveries: [{ recipients: [...envelope.recipients], bytes, junk: false }],
    bounced: [],
    dropped: [],
    decisions: envelope.recipients.map((recipient) => ({ recipient, action: 'DEFAULT' as const })),
  };
}
