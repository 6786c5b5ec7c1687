import type { MimeMessage } from '../mime/index.js';
import type { FlowDirection } from '../workmail/event.js';
import type { ActionType } from '../workmail/response.js';
import type { Condition } from './condition.js';

/** A delivery action a rule asks for. */
export interface RequestedAction {
  type: ActionType;
  /** Required for BOUNCE: the text WorkMail sends back to the sender. */
  bounceMessage?: string;
  /** Envelope recipients it applies to; all recipients when absent. */
  recipients?: string[];
}

/** What a rule sees: the message as earlier rules left it, and the envelope around it. */
export interface RuleContext {
  /** INBOUND or OUTBOUND. */
  readonly direction: FlowDirection;
  /** Envelope sender (MAIL FROM). */
  readonly mailFrom: string;
  /** `sender` from the event: set when mail is sent on behalf of someone else. */
  readonly sender: string | undefined;
  /** Envelope recipients (To, Cc and Bcc alike). */
  readonly recipients: readonly string[];
  /** The organisation's domains (lower-case), for internal/external decisions. */
  readonly orgDomains: readonly string[];
  /** The time the pipeline started on this message. */
  readonly now: Date;
  /** The message, with every earlier rule's edits. */
  readonly message: MimeMessage;
  /** Replaces the message (for restructuring edits that return a new one, like wrapping). */
  replaceMessage(next: MimeMessage): void;
  /** Asks for a delivery action. */
  requestAction(action: RequestedAction): void;
  /** Records a finding for the log and report (`"added text disclaimer to part 1.1"`). */
  note(change: string): void;
  /** Adds to a named counter of this rule's report (`redactions.payment-card`). */
  count(name: string, by?: number): void;
}

/** How one rule went. */
export interface RuleReport {
  name: string;
  type: string;
  /** `applied`: it changed the message or asked for actions; `unchanged`: it ran and did nothing. */
  status: 'applied' | 'unchanged' | 'skipped';
  /** Why it skipped or did nothing (`condition not met`, `message is signed`). */
  reason?: string;
  /** What it changed. */
  changes: string[];
  counts: Record<string, number>;
  actions: RequestedAction[];
  durationMs: number;
}

/** What a rule's `run` may return: nothing, or a reason it did nothing. */
export type RuleResult = void | { skipped: string } | { unchanged: string };

/**
 * A rule: a name, an optional condition, and a function over the context. Built-ins are made
 * from configuration; custom rules are written with {@link defineRule}.
 */
export interface Rule {
  /** Unique within a configuration; appears in logs, metrics and reports. */
  readonly name: string;
  /** The rule's kind (`disclaimer`, `redact`, or a custom type). */
  readonly type: string;
  /** The rule runs only when this holds. */
  readonly when?: Condition | undefined;
  run(ctx: RuleContext): RuleResult | Promise<RuleResult>;
}

/**
 * Defines a custom rule with full typing:
 *
 * ```ts
 * export const noExecutables = defineRule({
 *   name: 'block-executables',
 *   when: { direction: 'OUTBOUND' },
 *   run(ctx) { … ctx.requestAction({ type: 'BOUNCE', bounceMessage: '…' }) },
 * });
 * ```
 */
export function defineRule(rule: { name: string; type?: string; when?: Condition; run: Rule['run'] }): Rule {
  return { type: 'custom', ...rule };
}
