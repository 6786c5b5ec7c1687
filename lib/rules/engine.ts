import type { MimeMessage } from '../mime/index.js';
import { evaluateCondition } from './condition.js';
import type { FlowDirection, RequestedAction } from './delivery.js';
import { GENERIC_PLATFORM, type RulePlatform } from './platform.js';
import type { Rule, RuleContext, RuleEnvelope, RuleReport } from './rule.js';

/** The message and envelope the rules run on. */
export interface RunInput {
  /** The parsed message, or (with `uninspectable`) a view of its top-level headers only. */
  message: MimeMessage;
  direction: FlowDirection;
  mailFrom: string;
  sender?: string | undefined;
  recipients: readonly string[];
  orgDomains: readonly string[];
  now?: Date;
  /** Aborted when the time budget is spent: rules not yet started follow their uninspectable policy. */
  signal?: AbortSignal;
  /**
   * Set when the message could not be inspected: the body could not be parsed (over a parser
   * limit, malformed; `level: 'headers'`, the message is its top-level headers), or not even
   * those are known (`level: 'envelope'`). No rule runs; each rule whose condition holds or
   * cannot be evaluated at that level follows its uninspectable policy.
   */
  uninspectable?: { reason: string; level: 'headers' | 'envelope' } | undefined;
  /** Size of the whole message in bytes, for `sizeOver` (default: the message's length). */
  size?: number | undefined;
  /** What the mail flow allows (default {@link GENERIC_PLATFORM}). */
  platform?: RulePlatform;
}

/** The outcome of running every rule. */
export interface RunResult {
  /** The final message (the input one, or a replacement a rule produced). */
  message: MimeMessage;
  /** Whether any rule changed the content. */
  changed: boolean;
  /** Every action the rules asked for, in order, including those applied by policy. */
  actions: RequestedAction[];
  /** One report per rule, in order. */
  reports: RuleReport[];
  /**
   * Why the content must not be used although rules changed it (a rule failed, so its edits may
   * be half made): the original is delivered, the actions stand.
   */
  contentUnusable?: string | undefined;
}

/**
 * Runs rules in order; each sees the previous rules' edits. A rule whose condition does not hold
 * is skipped. A rule that throws is reported as `failed` and follows its uninspectable policy
 * (a DLP rule that blocks on a find blocks); the rules after it still run, so their delivery
 * decisions stand, but the content is marked unusable. A rule that could not see the message
 * (body unparseable, condition not evaluable, time budget spent) follows the same policy.
 */
export async function runRules(rules: readonly Rule[], input: RunInput): Promise<RunResult> {
  let message = input.message;
  let replaced = false;
  let contentUnusable: string | undefined;
  const actions: RequestedAction[] = [];
  const reports: RuleReport[] = [];
  const orgDomains = input.orgDomains.map((d) => d.toLowerCase());
  const now = input.now ?? new Date();
  const platform = input.platform ?? GENERIC_PLATFORM;
  const envelope: RuleEnvelope = { direction: input.direction, mailFrom: input.mailFrom, sender: input.sender, recipients: input.recipients, orgDomains, now, platform };

  for (const rule of rules) {
    const started = performance.now();
    const report: RuleReport = { name: rule.name, type: rule.type, status: 'unchanged', changes: [], counts: {}, actions: [], durationMs: 0 };
    reports.push(report);
    const finish = () => {
      report.durationMs = performance.now() - started;
    };
    const applyPolicy = (why: string) => {
      const policy = rule.onUninspectable?.(envelope) ?? [];
      report.uninspectable = why;
      if (policy.length) {
        actions.push(...policy);
        report.actions.push(...policy);
        if (report.status !== 'failed') report.status = 'applied';
        report.reason = `${why}: applied ${policy.map((a) => a.type).join(', ')} by policy`;
      } else if (report.status === 'failed') {
        report.reason = why;
      } else {
        report.status = 'skipped';
        report.reason = `${why}: skipped by policy`;
      }
    };

    let holds: boolean | undefined;
    try {
      holds = evaluateCondition(rule.when, { ...envelope, message, inspect: input.uninspectable?.level ?? 'full', size: input.size });
    } catch (err) {
      holds = undefined;
      report.reason = `condition failed: ${describe(err)}`;
    }
    if (holds === false) {
      report.status = 'skipped';
      report.reason = 'condition not met';
      finish();
      continue;
    }
    if (input.uninspectable !== undefined) {
      applyPolicy(`could not inspect the message (${input.uninspectable.reason})`);
      finish();
      continue;
    }
    if (holds === undefined) {
      applyPolicy('could not evaluate the condition');
      finish();
      continue;
    }
    if (input.signal?.aborted) {
      applyPolicy('time budget exhausted before this rule');
      finish();
      continue;
    }

    const modifiedBefore = message.modified;
    const ctx: RuleContext = {
      ...envelope,
      get message() {
        return message;
      },
      replaceMessage(next) {
        message = next;
        replaced = true;
        report.status = 'applied';
      },
      requestAction(action) {
        actions.push(action);
        report.actions.push(action);
        report.status = 'applied';
      },
      note(change) {
        report.changes.push(change);
      },
      count(name, by = 1) {
        report.counts[name] = (report.counts[name] ?? 0) + by;
      },
    };
    try {
      const result = await rule.run(ctx);
      if (result && 'skipped' in result) {
        report.status = 'skipped';
        report.reason = result.skipped;
      } else if (result && 'unchanged' in result) {
        report.reason = result.unchanged;
      }
      if (report.status !== 'skipped' && (report.changes.length || message.modified !== modifiedBefore)) report.status = 'applied';
    } catch (err) {
      // Its edits may be half made: keep the decisions, not the content.
      report.status = 'failed';
      contentUnusable ??= `rule "${rule.name}" failed: ${describe(err)}`;
      applyPolicy(`failed: ${describe(err)}`);
    }
    finish();
  }
  const changed = replaced || message.modified;
  return { message, changed, actions, reports, ...(contentUnusable && changed ? { contentUnusable } : {}) };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
