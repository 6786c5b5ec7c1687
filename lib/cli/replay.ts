import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageFlowHandler } from '../aws/message-flow-handler.js';
import type { Emulator } from '../emulator/emulator.js';
import { RecordingObserver } from '../flow/observer.js';
import type { PipelineOutcome } from '../flow/pipeline.js';
import type { FlowSettings } from '../flow/settings.js';
import { processMessage, type ProcessStatus } from '../core/index.js';
import { dispositionFor } from '../emulator/delivery.js';
import { parseHeadersOnly, parseMessage } from '../mime/index.js';
import type { KeptArtefact, RuleReport, RulesConfig } from '../rules/index.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { buildResponse } from '../workmail/response.js';
import { envelopeFor, type EnvelopeOptions } from './envelope.js';
import { messageIdForFile } from './inputs.js';
import { describeChanges } from './message-diff.js';
import { Progress } from './progress.js';

/** Options of `wmflow replay`. */
export interface ReplayOptions extends EnvelopeOptions {
  files: string[];
  config: RulesConfig;
  outDir: string;
  json: boolean;
  engineOnly: boolean;
  /** The time messages are processed at (template `{{date}}`). @default the current time */
  now?: Date | undefined;
}

/** What happened to one replayed message. */
export interface ReplayResult {
  file: string;
  output?: string;
  status: PipelineOutcome['status'] | 'error';
  reason?: string;
  /** Why WorkMail would reject the update, when it was skipped. */
  problems?: string[];
  direction?: string;
  rules: Pick<RuleReport, 'name' | 'status' | 'reason' | 'changes' | 'counts' | 'actions'>[];
  recipients: { address: string; disposition: string; bounceMessage?: string }[];
  changes: string[];
  /** Quarantined attachments kept beside the output (`<output>.quarantine/<sha256>`). */
  quarantined?: string[];
  error?: string;
}

/**
 * Replays messages through the emulated WorkMail path (the real handler wiring and real SDK
 * clients against the local Message Flow API and S3), or in-process with `engineOnly`.
 * Writes every final message to the output folder, unchanged ones byte-identical. One bad
 * message never stops the run.
 */
export async function replay(options: ReplayOptions, write: (line: string) => void): Promise<ReplayResult[]> {
  mkdirSync(options.outDir, { recursive: true });
  const results: ReplayResult[] = [];
  const progress = new Progress(options.files.length, process.stderr, !options.json && process.stderr.isTTY === true && options.files.length > 1);
  const orgDomains = [...new Set([...options.config.orgDomains, ...options.orgDomains])];
  const now = options.now ?? new Date();
  // The emulated WorkMail invokes the same handler wiring the Lambda uses. Loaded only then:
  // the engine-only replay never loads the AWS SDK.
  let handler: MessageFlowHandler | undefined;
  // The pipeline's outcome per message id, as the Lambda returned it.
  const outcomes = new Map<string, PipelineOutcome>();
  let emulator: Emulator | undefined;
  if (!options.engineOnly) {
    const [{ startEmulator }, { createMessageFlowHandler }] = await Promise.all([import('../emulator/emulator.js'), import('../aws/message-flow-handler.js')]);
    emulator = await startEmulator({
      orgDomains,
      lambda: async (event, context) => {
        const outcome = await handler!.process(event, context);
        outcomes.set(event.messageId, outcome);
        return outcome.response;
      },
    });
    const settings: FlowSettings = {
      rules: options.config.rules,
      orgDomains,
      bucket: emulator.bucket,
      keyPrefix: 'updated/',
      failClosed: false,
      region: emulator.region,
      s3ForcePathStyle: true,
    };
    handler = createMessageFlowHandler(settings, new RecordingObserver(), {
      messageFlowEndpoint: emulator.messageFlowEndpoint,
      s3Endpoint: emulator.s3Endpoint,
      credentials: emulator.credentials,
      region: emulator.region,
      now: () => now,
    });
  }
  try {
    for (const [i, file] of options.files.entries()) {
      progress.update(i, path.basename(file));
      const result: ReplayResult = { file, status: 'error', rules: [], recipients: [], changes: [] };
      results.push(result);
      try {
        const bytes = readFileSync(file);
        // The envelope comes from the top-level headers: messages the engine cannot parse still get one.
        const envelope = envelopeFor(parseHeadersOnly(bytes), { ...options, orgDomains });
        result.direction = envelope.direction.toLowerCase();
        let final: Buffer;
        let kept: KeptArtefact[] = [];
        if (emulator) {
          const messageId = uniqueId(file, i);
          const delivery = await emulator.deliver({ bytes, ...envelope, messageId });
          final = delivery.finalMessage;
          const last = outcomes.get(messageId);
          result.status = last?.status ?? (delivery.usedFallback ? 'failed-open' : 'unchanged');
          if (last?.reason) result.reason = last.reason;
          if (last?.problems) result.problems = last.problems.map((p) => p.message);
          result.rules = (last?.reports ?? []).map(pickReport);
          kept = last?.kept ?? [];
          result.recipients = delivery.recipients.map((r) => ({
            address: r.address,
            disposition: r.disposition,
            ...(r.bounceMessage ? { bounceMessage: r.bounceMessage } : {}),
          }));
        } else {
          // The same core step and WorkMail response the Lambda path uses, in process.
          const outcome = await processMessage({ bytes, envelope, rules: options.config.rules, orgDomains, platform: WORKMAIL_PLATFORM, now });
          final = outcome.bytes;
          result.status = PIPELINE_STATUS[outcome.status];
          if (outcome.reasons.length) result.reason = outcome.reasons.join('; ');
          const problems = outcome.problems.filter((p) => p.severity === 'error');
          if (problems.length) result.problems = problems.map((p) => p.message);
          result.rules = outcome.reports.map(pickReport);
          kept = outcome.kept;
          const response = buildResponse(outcome.actions, envelope.recipients, envelope.direction);
          result.recipients = envelope.recipients.map((address) => {
            const action =
              response.actions.find((a) => a.recipients?.some((r) => r.toLowerCase() === address.toLowerCase())) ??
              response.actions.find((a) => a.allRecipients);
            const type = action?.action.type ?? 'DEFAULT';
            return {
              address,
              disposition: dispositionFor(type),
              ...(action?.action.parameters ? { bounceMessage: action.action.parameters.bounceMessage } : {}),
            };
          });
        }
        result.changes = final.equals(bytes) ? [] : describeChanges(await parseMessage(bytes), await parseMessage(final));
        result.output = path.join(options.outDir, path.basename(file));
        writeFileSync(result.output, final);
        if (kept.length) {
          // What the Lambda puts in the bucket under quarantine/, here beside the output.
          const dir = `${result.output}.quarantine`;
          mkdirSync(dir, { recursive: true });
          result.quarantined = kept.map((k) => {
            const where = path.join(dir, k.key);
            writeFileSync(where, k.bytes);
            return where;
          });
        }
      } catch (err) {
        result.status = 'error';
        result.error = err instanceof Error ? err.message : String(err);
      }
      if (!options.json) write(formatResult(result));
    }
    progress.done();
    if (handler) handler.destroy();
  } finally {
    await emulator?.close();
  }
  if (options.json) write(JSON.stringify({ results, summary: summarize(results) }, null, 2));
  else write(`\n${summaryLine(results)}`);
  return results;
}

/** The core step's statuses as the pipeline (and so the emulated replay) reports them. */
const PIPELINE_STATUS: Record<ProcessStatus, PipelineOutcome['status']> = {
  updated: 'updated',
  unchanged: 'unchanged',
  declined: 'update-skipped',
  uninspectable: 'uninspectable',
};

/** A message id unique within the run, derived from the file name. */
function uniqueId(file: string, index: number): string {
  return `${messageIdForFile(file)}-${index + 1}`.slice(0, 120);
}

function pickReport(r: RuleReport): ReplayResult['rules'][number] {
  return { name: r.name, status: r.status, ...(r.reason ? { reason: r.reason } : {}), changes: r.changes, counts: r.counts, actions: r.actions };
}

function summarize(results: ReplayResult[]) {
  const by = (s: string) => results.filter((r) => r.status === s).length;
  return {
    messages: results.length,
    updated: by('updated'),
    unchanged: by('unchanged'),
    updateSkipped: by('update-skipped'),
    uninspectable: by('uninspectable'),
    failedOpen: by('failed-open'),
    errors: by('error'),
  };
}

function summaryLine(results: ReplayResult[]): string {
  const s = summarize(results);
  return `${s.messages} message(s): ${s.updated} updated, ${s.unchanged} unchanged, ${s.updateSkipped} update skipped, ${s.uninspectable} uninspectable, ${s.failedOpen} failed open, ${s.errors} error(s)`;
}

/** The human-readable report of one message. */
export function formatResult(r: ReplayResult): string {
  const lines = [`${r.file}${r.output ? ` → ${r.output}` : ''}  [${r.direction ? `${r.direction}, ` : ''}${r.status}]${r.reason ? ` ${r.reason}` : ''}`];
  if (r.error) lines.push(`  error: ${r.error}`);
  for (const p of r.problems ?? []) lines.push(`  WorkMail would reject the update: ${p}`);
  const fired = r.rules.filter((x) => x.status === 'applied');
  if (fired.length) {
    for (const x of fired) {
      const counts = Object.entries(x.counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      lines.push(`  rule ${x.name}: ${x.changes.join('; ') || 'asked for an action'}${counts ? ` (${counts})` : ''}`);
    }
  } else if (!r.error) {
    lines.push('  no rule fired');
  }
  for (const x of r.rules.filter((x) => x.status === 'would-apply')) {
    lines.push(
      `  rule ${x.name} (audit, nothing changed): would ${x.changes.join('; ') || 'ask for an action'}${x.actions.length ? ` [${x.actions.map((a) => a.type).join(', ')}]` : ''}`,
    );
  }
  for (const x of r.rules.filter((x) => x.status === 'skipped' && x.reason !== 'condition not met')) lines.push(`  rule ${x.name} skipped: ${x.reason}`);
  for (const q of r.quarantined ?? []) lines.push(`  quarantined: ${q}`);
  for (const rc of r.recipients) lines.push(`  ${rc.address}: ${rc.disposition}${rc.bounceMessage ? ` ("${rc.bounceMessage}")` : ''}`);
  lines.push(...r.changes.map((c) => `  ${c}`));
  return lines.join('\n');
}
