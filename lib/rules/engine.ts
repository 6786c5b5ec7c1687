import type { MimeMessage } from '../mime/index.js';
import type { FlowDirection } from '../workmail/event.js';
import { evaluateCondition } from './condition.js';
import { RuleDeadlineError, RuleFailedError } from './errors.js';
import type { RequestedAction, Rule, RuleContext, RuleReport } from './rule.js';

/** The message and envelope the rules run on. */
export interface RunInput {
  message: MimeMessage;
  direction: FlowDirection;
  mailFrom: string;
  sender?: string | undefined;
  recipients: readonly string[];
  orgDomains: readonly string[];
  now?: Date;
  /** Aborted when the time budget is spent: no further rule starts. */
  signal?: AbortSignal;
}

/** The outcome of running every rule. */
export interface RunResult {
  /** The final message (the input one, or a replacement a rule produced). */
  message: MimeMessage;
  /** Whether any rule changed the content. */
  changed: boolean;
  /** Every action the rules asked for, in order. */
  actions: RequestedAction[];
  /** One report per rule, in order. */
  reports: RuleReport[];
}

/**
 * Runs rules in order; each sees the previous rules' edits. A rule whose condition does not
 * hold is skipped. A rule that throws stops the run with {@link RuleFailedError} (the pipeline
 * then delivers the original unmodified): a half-applied policy is worse than none.
 */
export async function runRules(rules: readonly Rule[], input: RunInput): Promise<RunResult> {
  let message = input.message;
  let replaced = false;
  const actions: RequestedAction[] = [];
  const reports: RuleReport[] = [];
  const orgDomains = input.orgDomains.map((d) => d.toLowerCase());
  const now = input.now ?? new Date();

  for (const rule of rules) {
    if (input.signal?.aborted) throw new RuleDeadlineError(rule.name);
    const started = performance.now();
    const report: RuleReport = { name: rule.name, type: rule.type, status: 'unchanged', changes: [], counts: {}, actions: [], durationMs: 0 };
    reports.push(report);
    const conditionInput = { ...input, orgDomains, sender: input.sender, message };
    let holds: boolean;
    try {
      holds = evaluateCondition(rule.when, conditionInput);
    } catch (err) {
      throw new RuleFailedError(rule.name, err);
    }
    if (!holds) {
      report.status = 'skipped';
      report.reason = 'condition not met';
      report.durationMs = performance.now() - started;
      continue;
    }
    const modifiedBefore = message.modified;
    const ctx: RuleContext = {
      direction: input.direction,
      mailFrom: input.mailFrom,
      sender: input.sender,
      recipients: input.recipients,
      orgDomains,
      now,
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
    } catch (err) {
      throw new RuleFailedError(rule.name, err);
    }
    if (report.status !== 'skipped' && (report.changes.length || message.modified !== modifiedBefore)) report.status = 'applied';
    report.durationMs = performance.now() - started;
  }
  return { message, changed: replaced || message.modified, actions, reports };
}
