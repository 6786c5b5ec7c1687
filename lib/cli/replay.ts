import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../emulator/emulator.js';
import { createMessageFlowHandler, type MessageFlowHandler } from '../flow/message-flow-handler.js';
import { RecordingObserver } from '../flow/observer.js';
import type { PipelineOutcome } from '../flow/pipeline.js';
import type { FlowSettings } from '../flow/settings.js';
import { parseMessage } from '../mime/index.js';
import { buildResponse, runRules, type RuleReport, type RulesConfig } from '../rules/index.js';
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
  rules: Pick<RuleReport, 'name' | 'status' | 'reason' | 'changes' | 'counts'>[];
  recipients: { address: string; disposition: string; bounceMessage?: string }[];
  changes: string[];
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
  // The emulated WorkMail invokes the same handler wiring the Lambda uses.
  let handler: MessageFlowHandler | undefined;
  const emulator = options.engineOnly ? undefined : await startEmulator({ orgDomains, lambda: (event, context) => handler!(event, context) });
  try {
    // The pipeline's outcome of the latest invocation (set by the handler's callback).
    const seen: { outcome?: PipelineOutcome | undefined } = {};
    if (emulator) {
      const settings: FlowSettings = { rules: options.config.rules, orgDomains, bucket: emulator.bucket, keyPrefix: 'updated/', failClosed: false, region: emulator.region, s3ForcePathStyle: true };
      handler = createMessageFlowHandler(settings, new RecordingObserver(), {
        messageFlowEndpoint: emulator.messageFlowEndpoint,
        s3Endpoint: emulator.s3Endpoint,
        credentials: emulator.credentials,
        region: emulator.region,
      });
      handler.onOutcome = (o) => (seen.outcome = o);
    }
    for (const [i, file] of options.files.entries()) {
      progress.update(i, path.basename(file));
      const result: ReplayResult = { file, status: 'error', rules: [], recipients: [], changes: [] };
      results.push(result);
      try {
        const bytes = readFileSync(file);
        const original = await parseMessage(bytes);
        const envelope = envelopeFor(original, { ...options, orgDomains });
        result.direction = envelope.direction.toLowerCase();
        let final: Buffer;
        if (emulator) {
          seen.outcome = undefined;
          const delivery = await emulator.deliver({ bytes, ...envelope, messageId: uniqueId(file, i) });
          final = delivery.finalMessage;
          const last = seen.outcome as PipelineOutcome | undefined;
          result.status = last?.status ?? (delivery.usedFallback ? 'failed-open' : 'unchanged');
          if (last?.reason) result.reason = last.reason;
          if (last?.problems) result.problems = last.problems.map((p) => p.message);
          result.rules = (last?.reports ?? []).map(pickReport);
          result.recipients = delivery.recipients.map((r) => ({ address: r.address, disposition: r.disposition, ...(r.bounceMessage ? { bounceMessage: r.bounceMessage } : {}) }));
        } else {
          const run = await runRules(options.config.rules, { message: original, ...envelope, orgDomains, now: new Date() });
          final = run.changed ? run.message.toBuffer() : bytes;
          result.status = run.changed ? 'updated' : 'unchanged';
          result.rules = run.reports.map(pickReport);
          const response = buildResponse(run.actions, envelope.recipients, envelope.direction);
          result.recipients = envelope.recipients.map((address) => {
            const action = response.actions.find((a) => a.recipients?.some((r) => r.toLowerCase() === address.toLowerCase())) ?? response.actions.find((a) => a.allRecipients);
            return { address, disposition: action?.action.type ?? 'DEFAULT', ...(action?.action.parameters ? { bounceMessage: action.action.parameters.bounceMessage } : {}) };
          });
        }
        result.changes = final.equals(bytes) ? [] : describeChanges(await parseMessage(bytes), await parseMessage(final));
        result.output = path.join(options.outDir, path.basename(file));
        writeFileSync(result.output, final);
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

/** A message id unique within the run, derived from the file name. */
function uniqueId(file: string, index: number): string {
  return `${messageIdForFile(file)}-${index + 1}`.slice(0, 120);
}

function pickReport(r: RuleReport): ReplayResult['rules'][number] {
  return { name: r.name, status: r.status, ...(r.reason ? { reason: r.reason } : {}), changes: r.changes, counts: r.counts };
}

function summarize(results: ReplayResult[]) {
  const by = (s: string) => results.filter((r) => r.status === s).length;
  return { messages: results.length, updated: by('updated'), unchanged: by('unchanged'), updateSkipped: by('update-skipped'), failedOpen: by('failed-open'), errors: by('error') };
}

function summaryLine(results: ReplayResult[]): string {
  const s = summarize(results);
  return `${s.messages} message(s): ${s.updated} updated, ${s.unchanged} unchanged, ${s.updateSkipped} update skipped, ${s.failedOpen} failed open, ${s.errors} error(s)`;
}

/** The human-readable report of one message. */
export function formatResult(r: ReplayResult): string {
  const lines = [`${r.file}${r.output ? ` → ${r.output}` : ''}  [${r.direction ? `${r.direction}, ` : ''}${r.status}]${r.reason ? ` ${r.reason}` : ''}`];
  if (r.error) lines.push(`  error: ${r.error}`);
  for (const p of r.problems ?? []) lines.push(`  WorkMail would reject the update: ${p}`);
  const fired = r.rules.filter((x) => x.status === 'applied');
  if (fired.length) {
    for (const x of fired) {
      const counts = Object.entries(x.counts).map(([k, v]) => `${k}=${v}`).join(', ');
      lines.push(`  rule ${x.name}: ${x.changes.join('; ') || 'asked for an action'}${counts ? ` (${counts})` : ''}`);
    }
  } else if (!r.error) {
    lines.push('  no rule fired');
  }
  for (const x of r.rules.filter((x) => x.status === 'skipped' && x.reason !== 'condition not met')) lines.push(`  rule ${x.name} skipped: ${x.reason}`);
  for (const rc of r.recipients) lines.push(`  ${rc.address}: ${rc.disposition}${rc.bounceMessage ? ` ("${rc.bounceMessage}")` : ''}`);
  lines.push(...r.changes.map((c) => `  ${c}`));
  return lines.join('\n');
}
