import type { MimeMessage } from '../mime/index.js';
import type { Condition } from './condition.js';
import type { FlowDirection, RequestedAction } from './delivery.js';
import type { RulePlatform } from './platform.js';

export type { RequestedAction };

/** The envelope around a message, as every rule sees it. */
export interface RuleEnvelope {
  /** INBOUND or OUTBOUND. */
  readonly direction: FlowDirection;
  /** Envelope sender (MAIL FROM). */
  readonly mailFrom: string;
  /** The on-behalf-of sender, when mail is sent on behalf of someone else. */
  readonly sender: string | undefined;
  /** Envelope recipients (To, Cc and Bcc alike). */
  readonly recipients: readonly string[];
  /** The organisation's domains (lower-case), for internal/external decisions. */
  readonly orgDomains: readonly string[];
  /** The time processing started on this message. */
  readonly now: Date;
  /** What the mail flow allows (actions per direction, header edits). */
  readonly platform: RulePlatform;
}

/** What a rule sees: the message as earlier rules left it, and the envelope around it. */
export interface RuleContext extends RuleEnvelope {
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
  /**
   * Hands an artefact to the operator (a quarantined attachment): rules do no I/O, so the entry
   * point stores it (the Lambda in the bucket, replay beside the output). Returns its key, the
   * SHA-256 of the bytes in hex: deterministic and in S3's key alphabet, so a notice can name it.
   * In audit mode nothing is kept, but the key is returned and reported all the same.
   */
  keep(artefact: { name: string; bytes: Buffer; contentType: string }): string;
}

/** An artefact a rule handed over with {@link RuleContext.keep}. */
export interface KeptArtefact {
  /** SHA-256 of `bytes`, hex: the same file always gets the same key. */
  key: string;
  /** The file name it had (for the operator; never used in a storage key). */
  name: string;
  contentType: string;
  bytes: Buffer;
  /** The rule that kept it. */
  rule: string;
}

/**
 * `enforce` (default): the rule changes the message and asks for actions. `audit`: the rule runs
 * on a throw-away copy and only reports what it would change and ask for (status `would-apply`).
 */
export type RuleMode = 'enforce' | 'audit';

/** How one rule went. */
export interface RuleReport {
  name: string;
  type: string;
  /**
   * `applied`: it changed the message or asked for actions; `would-apply`: an audit-mode rule
   * that would have (its changes and actions are reported, not made); `unchanged`: it ran and did
   * nothing; `skipped`: it did not run (condition, exception, an earlier rule's stopProcessing,
   * policy, signed mail); `failed`: it threw.
   */
  status: 'applied' | 'would-apply' | 'unchanged' | 'skipped' | 'failed';
  /** Set on rules in audit mode: nothing in `changes`, `actions` or `kept` was done. */
  audit?: true;
  /** Keys of the artefacts it kept (see {@link RuleContext.keep}). */
  kept?: string[];
  /** Set when this rule applied with `stopProcessing` (or, in audit mode, would have). */
  stoppedProcessing?: true;
  /** Why it skipped, failed or did nothing (`condition not met`, `message is signed`). */
  reason?: string;
  /** Set when the rule could not inspect the message and followed its uninspectable policy. */
  uninspectable?: string;
  /** What it changed. */
  changes: string[];
  counts: Record<string, number>;
  actions: RequestedAction[];
  durationMs: number;
}

/** What a rule's `run` may return: nothing, or a reason it did nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: a rule's run may simply return nothing
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
  /** An exception: the rule is skipped when this holds (unknown counts as for `when`). */
  readonly unless?: Condition | undefined;
  /** After this rule applied, later rules do not run (their reports say why). @default false */
  readonly stopProcessing?: boolean | undefined;
  /** @default 'enforce' */
  readonly mode?: RuleMode | undefined;
  run(ctx: RuleContext): RuleResult | Promise<RuleResult>;
  /**
   * The actions to apply when the rule could not inspect the message: its body could not be
   * parsed, its condition could not be evaluated, it threw, or time ran out before it. Return
   * none to skip (the default when absent): right for rules that only edit content; a blocking
   * rule returns its blocking action, so a sender cannot switch it off by shaping the message.
   */
  onUninspectable?(envelope: RuleEnvelope): RequestedAction[];
}

/**
 * Defines a custom rule with full typing:
 *
 * ```ts
 * export const noExecutables = defineRule({
 *   name: 'block-executables',
 *   when: { direction: 'OUTBOUND' },
 *   run(ctx) { … ctx.requestAction({ type: 'BOUNCE', bounceMessage: '…' }) },
 *   onUninspectable: () => [{ type: 'BOUNCE', bounceMessage: '…' }],
 * });
 * ```
 */
export function defineRule(rule: {
  name: string;
  type?: string;
  when?: Condition;
  unless?: Condition;
  stopProcessing?: boolean;
  mode?: RuleMode;
  run: Rule['run'];
  onUninspectable?: Rule['onUninspectable'];
}): Rule {
  return { type: 'custom', ...rule };
}
