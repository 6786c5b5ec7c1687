import { checkLineLengths, MimeError, parseMessage, reencodeForLineLimit, type MimeMessage } from '../mime/index.js';
import { buildResponse, RuleDeadlineError, RuleFailedError, runRules, type Rule, type RuleReport } from '../rules/index.js';
import { checkUpdatedContent, type ContentProblem } from '../workmail/content-checks.js';
import { InvalidEventError, parseMessageFlowEvent, type MessageFlowEvent } from '../workmail/event.js';
import { defaultResponse, type MessageFlowResponse } from '../workmail/response.js';
import { Deadline } from './deadline.js';
import { maskAddress, type FlowObserver } from './observer.js';
import { updatedMessageKey } from './object-key.js';
import { ServiceError, type MessageFlowPort, type ObjectStorePort } from './ports.js';
import { withRetry } from './retry.js';

/** What the pipeline runs with. */
export interface PipelineConfig {
  rules: readonly Rule[];
  orgDomains: readonly string[];
  /** Bucket for updated messages (same account and Region as WorkMail). */
  bucket: string;
  /** Key prefix inside the bucket (`updated/`). */
  keyPrefix: string;
  /** Throw on internal errors (WorkMail retries, then applies the rule's fallback) instead of delivering unmodified. */
  failClosed?: boolean;
}

/** What the pipeline talks to. */
export interface PipelineDeps {
  messageFlow: MessageFlowPort;
  objectStore: ObjectStorePort;
  observer: FlowObserver;
}

/** The pipeline's verdict on one message, for logs, the CLI and tests. */
export interface PipelineOutcome {
  response: MessageFlowResponse;
  /** `updated`: new content handed to WorkMail; `unchanged`: no rule changed it; `failed-open`: delivered unmodified after a problem. */
  status: 'updated' | 'unchanged' | 'update-skipped' | 'failed-open';
  reason?: string;
  reports: RuleReport[];
  /** The content handed to WorkMail, when updated. */
  updated?: Buffer;
  /** Where it was put. */
  location?: { bucket: string; key: string; versionId?: string | undefined };
  problems?: ContentProblem[];
  durationMs: number;
}

/** Why an update is skipped, for each WorkMail error. */
const UPDATE_FAILURES: Partial<Record<ServiceError['kind'], string>> = {
  'message-frozen': 'WorkMail will not update this message (MessageFrozen: typically a redirected message)',
  'message-rejected': 'WorkMail rejected the updated content (MessageRejected)',
  'not-found': 'the message no longer exists (ResourceNotFoundException: older than 24 hours or already delivered)',
  'invalid-content-location':
    'WorkMail cannot read the updated object (InvalidContentLocation): the bucket must be in the same Region and account as WorkMail, and its policy must let workmail.<region>.amazonaws.com s3:GetObject/s3:GetObjectVersion with aws:SourceAccount and aws:SourceArn conditions (see infra/README.md)',
};

/** A failure inside the pipeline that fails open. */
class FailOpen extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Processes one WorkMail event end to end: validate, fetch, run the rules, and — only if
 * something changed — pre-flight, upload and `PutRawMessageContent`. Never loses a message:
 * any internal error, timeout or rejection answers DEFAULT with the content unmodified (unless
 * `failClosed`), logged and counted.
 */
export async function processEvent(
  rawEvent: unknown,
  deps: PipelineDeps,
  config: PipelineConfig,
  options: { remainingLambdaMs?: number; now?: Date } = {},
): Promise<PipelineOutcome> {
  const started = performance.now();
  const { observer } = deps;
  const elapsed = () => Math.round(performance.now() - started);

  let event: MessageFlowEvent;
  try {
    event = parseMessageFlowEvent(rawEvent);
  } catch (err) {
    if (!(err instanceof InvalidEventError)) throw err;
    observer.error('invalid event: delivering with DEFAULT', { problems: err.problems });
    observer.metric('InvalidEvents', 1, 'Count');
    return { response: defaultResponse(), status: 'failed-open', reason: err.message, reports: [], durationMs: elapsed() };
  }

  const deadline = new Deadline({ remainingLambdaMs: options.remainingLambdaMs });
  const ids = { messageId: event.messageId, invocationId: event.invocationId, direction: event.flowDirection };
  observer.metric('MessagesProcessed', 1, 'Count');
  let reports: RuleReport[] = [];
  try {
    const work = run(event, deps, config, deadline, options.now ?? new Date(), (r) => (reports = r));
    // If the deadline wins the race, the abandoned work's later failure must not go unhandled.
    work.catch(() => undefined);
    const timeout = new Promise<never>((_, reject) =>
      deadline.signal.addEventListener('abort', () => reject(new FailOpen(`time budget exhausted after ${elapsed()} ms`)), { once: true }),
    );
    const outcome = await Promise.race([work, timeout]);
    observer.metric('ProcessingTime', elapsed(), 'Milliseconds');
    return { ...outcome, durationMs: elapsed() };
  } catch (err) {
    const reason =
      err instanceof FailOpen
        ? err.reason
        : err instanceof RuleFailedError || err instanceof RuleDeadlineError || err instanceof MimeError || err instanceof ServiceError
          ? err.message
          : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    observer.error('failed open: delivering the original unmodified', { ...ids, reason, error: errorName(err) });
    observer.metric('FailedOpen', 1, 'Count');
    observer.metric('ProcessingTime', elapsed(), 'Milliseconds');
    if (config.failClosed) throw err;
    return { response: defaultResponse(), status: 'failed-open', reason, reports, durationMs: elapsed() };
  } finally {
    deadline.dispose();
  }
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? ((err as { code?: string }).code ?? err.name) : undefined;
}

async function run(
  event: MessageFlowEvent,
  deps: PipelineDeps,
  config: PipelineConfig,
  deadline: Deadline,
  now: Date,
  setReports: (r: RuleReport[]) => void,
): Promise<Omit<PipelineOutcome, 'durationMs'>> {
  const { observer } = deps;
  const ids = { messageId: event.messageId, invocationId: event.invocationId, direction: event.flowDirection };
  const recipients = event.envelope.recipients.map((r) => r.address);
  const retry = {
    deadline,
    onRetry: (e: ServiceError, attempt: number, delayMs: number) => {
      observer.warn('retrying AWS call', { ...ids, error: e.serviceCode, attempt, delayMs });
      observer.metric('Retries', 1, 'Count');
    },
  };

  const original = await withRetry((signal) => deps.messageFlow.getRawMessage(event.messageId, signal), retry);
  const message = await parseMessage(original);
  const result = await runRules(config.rules, {
    message,
    direction: event.flowDirection,
    mailFrom: event.envelope.mailFrom.address,
    sender: event.sender?.address,
    recipients,
    orgDomains: config.orgDomains,
    now,
    signal: deadline.signal,
  });
  setReports(result.reports);
  for (const r of result.reports) if (r.status === 'applied') observer.metric('RuleHits', 1, 'Count', { rule: r.name });
  // The rules' delivery decisions stand whether or not the content can be updated.
  const response = buildResponse(result.actions, recipients, event.flowDirection);
  observer.info('rules ran', {
    ...ids,
    sizeBytes: original.length,
    recipients: recipients.length,
    sender: maskAddress(event.sender?.address ?? event.envelope.mailFrom.address),
    rules: result.reports.map((r) => ({ name: r.name, status: r.status, reason: r.reason, counts: r.counts, ms: Math.round(r.durationMs) })),
    actions: response.actions.map((a) => a.action.type),
  });
  if (!result.changed) return { response, status: 'unchanged', reports: result.reports };

  // Rules edit the parsed message in place: compare against the original bytes, not it.
  const prepared = await prepareUpdate(original, result.message, observer, ids);
  if ('problems' in prepared) {
    observer.warn('updated content would be rejected by WorkMail: delivering the original', { ...ids, problems: prepared.problems.map((p) => p.message) });
    observer.metric('UpdateSkipped', 1, 'Count', { reason: 'preflight' });
    return { response, status: 'update-skipped', reason: 'pre-flight check failed', problems: prepared.problems, reports: result.reports };
  }

  const key = updatedMessageKey(config.keyPrefix, event.invocationId, event.messageId);
  try {
    const { versionId } = await withRetry((signal) => deps.objectStore.put(config.bucket, key, prepared.bytes, signal), retry);
    const location = { bucket: config.bucket, key, versionId };
    await withRetry((signal) => deps.messageFlow.putRawMessage(event.messageId, location, signal), retry);
    observer.metric('MessagesModified', 1, 'Count');
    observer.info('updated content handed to WorkMail', { ...ids, key, versionId, sizeBytes: prepared.bytes.length });
    return { response, status: 'updated', reports: result.reports, updated: prepared.bytes, location };
  } catch (err) {
    if (err instanceof ServiceError && UPDATE_FAILURES[err.kind]) {
      const reason = UPDATE_FAILURES[err.kind]!;
      observer.error(`update failed: ${reason}; delivering the original`, { ...ids, error: err.serviceCode, detail: err.message });
      observer.metric('UpdateSkipped', 1, 'Count', { reason: err.serviceCode });
      return { response, status: 'update-skipped', reason: `${reason}: ${err.message}`, reports: result.reports };
    }
    throw err;
  }
}

/**
 * Serialises the rules' result and checks it as WorkMail will. Untouched parts that already
 * break the line limit are re-encoded (their decoded content unchanged); if problems remain,
 * they are returned and the update is skipped.
 */
export async function prepareUpdate(
  original: Buffer,
  updated: MimeMessage,
  observer: FlowObserver,
  ids: Record<string, string>,
): Promise<{ bytes: Buffer } | { problems: ContentProblem[] }> {
  let bytes = updated.toBuffer();
  let problems = (await checkUpdatedContent(original, bytes)).filter((p) => p.severity === 'error');
  if (problems.some((p) => p.code === 'LINE_TOO_LONG')) {
    const fixed = new Set<string>();
    for (const long of checkLineLengths(updated)) {
      const part = updated.findPart(long.partPath);
      if (!part || long.inHeader || fixed.has(long.partPath)) continue;
      try {
        reencodeForLineLimit(part);
        fixed.add(long.partPath);
      } catch (err) {
        if (!(err instanceof MimeError)) throw err;
      }
    }
    if (fixed.size) {
      observer.info('re-encoded parts over the line limit', { ...ids, parts: [...fixed] });
      bytes = updated.toBuffer();
      problems = (await checkUpdatedContent(original, bytes)).filter((p) => p.severity === 'error');
    }
  }
  return problems.length ? { problems } : { bytes };
}
