import { createHash } from 'node:crypto';
import { parseMessage, type MimeMessage } from '../mime/index.js';
import { detectTrueTypes } from './attachment-match.js';
import { conditionNeedsTrueTypes, evaluateCondition, type InspectLevel } from './condition.js';
import type { FlowDirection, RequestedAction } from './delivery.js';
import { GENERIC_PLATFORM, type RulePlatform } from './platform.js';
import type { KeptArtefact, Rule, RuleContext, RuleEnvelope, RuleReport } from './rule.js';

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
  /**
   * Artefacts rules kept (quarantined attachments), one per key; empty when the content did not
   * change, since the original (with the files in it) is then delivered.
   */
  kept: KeptArtefact[];
}

/**
 * Runs rules in order; each sees the previous rules' edits. A rule whose condition does not hold,
 * or whose `unless` exception holds, is skipped. A rule that throws is reported as `failed` and
 * follows its uninspectable policy (a DLP rule that blocks on a find blocks); the rules after it
 * still run, so their delivery decisions stand, but the content is marked unusable. A rule that
 * could not see the message (body unparseable, condition not evaluable, time budget spent)
 * follows the same policy. After a rule with `stopProcessing` applied, later rules are skipped.
 *
 * An audit-mode rule runs on a copy of the message as it stands (parsed again from its bytes):
 * its edits, actions (policy actions too) and kept artefacts go to its report only, its status
 * is `would-apply` instead of `applied`, it never stops later rules and never marks the content
 * unusable.
 */
export async function runRules(rules: readonly Rule[], input: RunInput): Promise<RunResult> {
  let message = input.message;
  let replaced = false;
  let contentUnusable: string | undefined;
  let stoppedBy: string | undefined;
  const actions: RequestedAction[] = [];
  const reports: RuleReport[] = [];
  const kept: KeptArtefact[] = [];
  const orgDomains = input.orgDomains.map((d) => d.toLowerCase());
  const now = input.now ?? new Date();
  const platform = input.platform ?? GENERIC_PLATFORM;
  const envelope: RuleEnvelope = {
    direction: input.direction,
    mailFrom: input.mailFrom,
    sender: input.sender,
    recipients: input.recipients,
    orgDomains,
    now,
    platform,
  };
  const inspect: InspectLevel = input.uninspectable?.level ?? 'full';

  for (const rule of rules) {
    const started = performance.now();
    const audit = rule.mode === 'audit';
    const report: RuleReport = {
      name: rule.name,
      type: rule.type,
      status: 'unchanged',
      changes: [],
      counts: {},
      actions: [],
      durationMs: 0,
      ...(audit ? { audit: true as const } : {}),
    };
    reports.push(report);
    const finish = () => {
      if (audit && report.status === 'applied') report.status = 'would-apply';
      if (rule.stopProcessing && report.status === 'applied') {
        stoppedBy = rule.name;
        report.stoppedProcessing = true;
      } else if (rule.stopProcessing && report.status === 'would-apply') {
        report.stoppedProcessing = true;
      }
      report.durationMs = performance.now() - started;
    };
    const request = (requested: readonly RequestedAction[]) => {
      if (!audit) actions.push(...requested);
      report.actions.push(...requested);
    };
    const applyPolicy = (why: string) => {
      const policy = rule.onUninspectable?.(envelope) ?? [];
      report.uninspectable = why;
      if (policy.length) {
        request(policy);
        if (report.status !== 'failed') report.status = 'applied';
        report.reason = `${why}: ${audit ? 'would apply' : 'applied'} ${policy.map((a) => a.type).join(', ')} by policy`;
      } else if (report.status === 'failed') {
        report.reason = why;
      } else {
        report.status = 'skipped';
        report.reason = `${why}: skipped by policy`;
      }
    };

    if (stoppedBy !== undefined) {
      report.status = 'skipped';
      report.reason = `not run: rule "${stoppedBy}" applied and stops processing`;
      finish();
      continue;
    }

    let holds: boolean | undefined;
    let excepted = false;
    try {
      // Detected types need async work: done once per part, before the (synchronous) conditions.
      const needsTypes = inspect === 'full' && (conditionNeedsTrueTypes(rule.when) || conditionNeedsTrueTypes(rule.unless));
      const trueTypes = needsTypes ? await detectTrueTypes(message) : undefined;
      const conditionInput = { ...envelope, message, inspect, size: input.size, trueTypes };
      holds = evaluateCondition(rule.when, conditionInput);
      if (holds !== false && rule.unless) {
        const exception = evaluateCondition(rule.unless, conditionInput);
        excepted = exception === true;
        // Three-valued: the rule runs when `when` holds and `unless` does not.
        holds = exception === true ? false : exception === undefined ? undefined : holds;
      }
    } catch (err) {
      holds = undefined;
      report.reason = `condition failed: ${describe(err)}`;
    }
    if (holds === false) {
      report.status = 'skipped';
      report.reason = excepted ? 'exception (unless) holds' : 'condition not met';
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

    const ruleKept: KeptArtefact[] = [];
    try {
      // Audit: the rule edits a throw-away copy; the real message is never touched.
      let working = audit ? await parseMessage(message.toBuffer()) : message;
      const modifiedBefore = working.modified;
      const ctx: RuleContext = {
        ...envelope,
        get message() {
          return working;
        },
        replaceMessage(next) {
          working = next;
          if (!audit) {
            message = next;
            replaced = true;
          }
          report.status = 'applied';
        },
        requestAction(action) {
          request([action]);
          report.status = 'applied';
        },
        note(change) {
          report.changes.push(change);
        },
        count(name, by = 1) {
          report.counts[name] = (report.counts[name] ?? 0) + by;
        },
        keep(artefact) {
          const key = artefactKey(artefact.bytes);
          report.kept ??= [];
          report.kept.push(key);
          if (!audit) ruleKept.push({ key, name: artefact.name, contentType: artefact.contentType, bytes: artefact.bytes, rule: rule.name });
          return key;
        },
      };
      const result = await rule.run(ctx);
      if (result && 'skipped' in result) {
        report.status = 'skipped';
        report.reason = result.skipped;
      } else if (result && 'unchanged' in result) {
        report.reason = result.unchanged;
      }
      if (report.status !== 'skipped' && (report.changes.length || working.modified !== modifiedBefore)) report.status = 'applied';
      kept.push(...ruleKept);
    } catch (err) {
      report.status = 'failed';
      // Its edits may be half made: keep the decisions, not the content (an audit rule made none).
      if (!audit) contentUnusable ??= `rule "${rule.name}" failed: ${describe(err)}`;
      applyPolicy(`failed: ${describe(err)}`);
    }
    finish();
  }
  const changed = replaced || message.modified;
  return { message, changed, actions, reports, kept: changed ? dedupeKept(kept) : [], ...(contentUnusable && changed ? { contentUnusable } : {}) };
}

/** The key of a kept artefact: SHA-256 of its bytes, hex (S3's key alphabet, deterministic). */
export function artefactKey(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One entry per key: the same file quarantined twice is stored once. */
function dedupeKept(kept: KeptArtefact[]): KeptArtefact[] {
  const seen = new Set<string>();
  return kept.filter((k) => !seen.has(k.key) && seen.add(k.key));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
