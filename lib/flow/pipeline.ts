import { WmflowError } from '../errors.js';
import { decideWithoutInspection, processMessage, type ContentProblem, type MailPlatform, type MessageEnvelope, type ProcessOutcome } from '../core/index.js';
import type { RequestedAction, Rule, RuleReport, KeptArtefact } from '../rules/index.js';
import { InvalidEventError, parseMessageFlowEvent, type MessageFlowEvent } from '../workmail/event.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { buildResponse, defaultResponse, type MessageFlowResponse } from '../workmail/response.js';
import { Deadline } from './deadline.js';
import { maskAddress, type FlowObserver } from './observer.js';
import { quarantineKey, updatedMessageKey } from './object-key.js';
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
  /** The platform the rules serve. @default WORKMAIL_PLATFORM */
  platform?: MailPlatform;
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
  /**
   * `updated`: new content handed to WorkMail; `unchanged`: no rule changed it;
   * `update-skipped`: rules changed it but the original is delivered (a rule failed, pre-flight,
   * or the upload/update failed); `uninspectable`: the message could not be parsed (header-level
   * rules and policies applied); `failed-open`: delivered unmodified after an internal error or
   * timeout. The rules' delivery decisions stand in every case.
   */
  status: 'updated' | 'unchanged' | 'update-skipped' | 'uninspectable' | 'failed-open';
  reason?: string;
  reports: RuleReport[];
  /** The actions the rules asked for (the response renders them). */
  actions: RequestedAction[];
  /** The content handed to WorkMail, when updated. */
  updated?: Buffer;
  /** Where it was put. */
  location?: { bucket: string; key: string; versionId?: string | undefined };
  /** Keys of the quarantined files written to the bucket before the update. */
  quarantined?: string[];
  /** The quarantined files themselves (for local replays, which keep them beside the output). */
  kept?: KeptArtefact[];
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

/** A rule threw and `failClosed` is set. */
export class RuleFailedError extends WmflowError {
  readonly ruleName: string;
  constructor(ruleName: string, reason: string) {
    super('RULE_FAILED', `rule "${ruleName}" ${reason}`);
    this.ruleName = ruleName;
  }
}

/** The deadline passed before the work finished. */
class TimeUp extends Error {}

function describeError(err: unknown): string {
  if (err instanceof TimeUp || err instanceof ServiceError) return err.message;
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? ((err as { code?: string }).code ?? err.name) : undefined;
}

/**
 * The Lambda's I/O shell around the core step ({@link processMessage}): validate the event,
 * fetch the message, run the core step within the deadline, and, only when it says `updated`,
 * upload and `PutRawMessageContent`. Never loses a message and never drops a decision: any
 * failure delivers the original; the actions the rules asked for stand whatever fails after
 * them, and when the rules could not finish (time, fetch) every rule follows its uninspectable
 * policy at the level that is known (headers, or just the envelope).
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
  const platform = config.platform ?? WORKMAIL_PLATFORM;

  let event: MessageFlowEvent;
  try {
    event = parseMessageFlowEvent(rawEvent);
  } catch (err) {
    if (!(err instanceof InvalidEventError)) throw err;
    observer.error('invalid event: delivering with DEFAULT', { problems: err.problems });
    observer.metric('InvalidEvents', 1, 'Count');
    return { response: defaultResponse(), status: 'failed-open', reason: err.message, reports: [], actions: [], durationMs: elapsed() };
  }

  const deadline = new Deadline({ remainingLambdaMs: options.remainingLambdaMs });
  const ids = { messageId: event.messageId, invocationId: event.invocationId, direction: event.flowDirection };
  const envelope: MessageEnvelope = {
    direction: event.flowDirection,
    mailFrom: event.envelope.mailFrom.address,
    sender: event.sender?.address,
    recipients: event.envelope.recipients.map((r) => r.address),
  };
  const now = options.now ?? new Date();
  const retry = {
    deadline,
    onRetry: (e: ServiceError, attempt: number, delayMs: number) => {
      observer.warn('retrying AWS call', { ...ids, error: e.serviceCode, attempt, delayMs });
      observer.metric('Retries', 1, 'Count');
    },
  };
  const beforeDeadline = <T>(work: Promise<T>): Promise<T> => {
    // If the deadline wins the race, the abandoned work's later failure must not go unhandled.
    work.catch(() => undefined);
    return Promise.race([
      work,
      new Promise<never>((_, reject) => {
        const fire = () => reject(new TimeUp(`time budget exhausted after ${elapsed()} ms`));
        if (deadline.signal.aborted) fire();
        else deadline.signal.addEventListener('abort', fire, { once: true });
      }),
    ]);
  };
  const respond = (actions: readonly RequestedAction[]) => buildResponse(actions, envelope.recipients, envelope.direction);
  observer.metric('MessagesProcessed', 1, 'Count');

  try {
    let bytes: Buffer | undefined;
    let outcome: ProcessOutcome;
    try {
      outcome = await beforeDeadline(
        (async () => {
          bytes = await withRetry((signal) => deps.messageFlow.getRawMessage(event.messageId, signal), retry);
          return processMessage({ bytes, envelope, rules: config.rules, orgDomains: config.orgDomains, platform, now, signal: deadline.signal });
        })(),
      );
    } catch (err) {
      // The rules could not finish: decide by policy at the level that is known, deliver the original.
      const reason = describeError(err);
      const fallback = await decideWithoutInspection({ envelope, rules: config.rules, orgDomains: config.orgDomains, platform, now, bytes, reason });
      observer.error('failed open: delivering the original unmodified', {
        ...ids,
        reason,
        error: errorName(err),
        policyActions: fallback.actions.map((a) => a.type),
      });
      observer.metric('FailedOpen', 1, 'Count');
      if (config.failClosed) throw err;
      return {
        response: respond(fallback.actions),
        status: 'failed-open',
        reason,
        reports: fallback.reports,
        actions: fallback.actions,
        durationMs: elapsed(),
      };
    }

    const response = respond(outcome.actions);
    const { reports, actions } = outcome;
    const failed = reports.find((r) => r.status === 'failed');
    if (failed && config.failClosed) {
      // Fail closed: WorkMail retries the invocation, then applies the flow rule's fallback.
      observer.error('a rule failed and failClosed is set: throwing', { ...ids, rule: failed.name, reason: failed.reason });
      throw new RuleFailedError(failed.name, failed.reason ?? 'failed');
    }
    for (const r of reports) {
      if (r.status === 'applied') observer.metric('RuleHits', 1, 'Count', { rule: r.name });
      else if (r.status === 'would-apply') observer.metric('AuditHits', 1, 'Count', { rule: r.name });
    }
    observer.info('rules ran', {
      ...ids,
      status: outcome.status,
      sizeBytes: outcome.bytes.length,
      recipients: envelope.recipients.length,
      sender: maskAddress(envelope.sender ?? envelope.mailFrom),
      rules: reports.map((r) => ({
        name: r.name,
        status: r.status,
        reason: r.reason,
        counts: r.counts,
        ms: Math.round(r.durationMs),
        ...(r.audit ? { audit: true } : {}),
      })),
      actions: response.actions.map((a) => a.action.type),
    });
    const done = (o: Omit<PipelineOutcome, 'durationMs' | 'reports' | 'actions' | 'response'>): PipelineOutcome => {
      observer.metric('ProcessingTime', elapsed(), 'Milliseconds');
      return { response, reports, actions, ...o, durationMs: elapsed() };
    };

    switch (outcome.status) {
      case 'unchanged':
        return done({ status: 'unchanged' });
      case 'uninspectable': {
        const code = outcome.uninspectable?.code ?? 'UNKNOWN';
        observer.warn('message could not be inspected: header-level rules and uninspectable policies applied; delivering the original', {
          ...ids,
          reason: outcome.reasons[0],
          code,
        });
        observer.metric('Uninspectable', 1, 'Count', { reason: code });
        return done({ status: 'uninspectable', reason: outcome.reasons.join('; ') });
      }
      case 'declined': {
        observer.warn('updated content cannot be delivered: delivering the original', { ...ids, reasons: outcome.reasons });
        observer.metric('UpdateSkipped', 1, 'Count', { reason: outcome.problems.length ? 'preflight' : 'rule-failed' });
        return done({ status: 'update-skipped', reason: outcome.reasons.join('; '), problems: outcome.problems });
      }
      case 'updated':
        break;
    }
    if (outcome.repaired.length) observer.info('re-encoded parts over the line limit', { ...ids, parts: outcome.repaired });

    const updated = outcome.bytes;
    const key = updatedMessageKey(config.keyPrefix, event.invocationId, event.messageId);
    try {
      const location = await beforeDeadline(
        (async () => {
          // Quarantined files first: the notices in the update name them, so they must exist before it does.
          for (const k of outcome.kept) {
            await withRetry((signal) => deps.objectStore.put(config.bucket, quarantineKey(config.keyPrefix, event.messageId, k.key), k.bytes, signal), retry);
          }
          const { versionId } = await withRetry((signal) => deps.objectStore.put(config.bucket, key, updated, signal), retry);
          const where = { bucket: config.bucket, key, versionId };
          await withRetry((signal) => deps.messageFlow.putRawMessage(event.messageId, where, signal), retry);
          return where;
        })(),
      );
      observer.metric('MessagesModified', 1, 'Count');
      const quarantined = outcome.kept.map((k) => quarantineKey(config.keyPrefix, event.messageId, k.key));
      observer.info('updated content handed to WorkMail', {
        ...ids,
        key,
        versionId: location.versionId,
        sizeBytes: updated.length,
        ...(quarantined.length ? { quarantined } : {}),
      });
      return done({ status: 'updated', updated, location, ...(quarantined.length ? { quarantined, kept: outcome.kept } : {}) });
    } catch (err) {
      // Whatever failed, the rules' decisions stand: only the update is skipped.
      const known = err instanceof ServiceError ? UPDATE_FAILURES[err.kind] : undefined;
      const reason = known ? `${known}: ${(err as Error).message}` : `the update failed: ${describeError(err)}`;
      observer.error(`update failed: delivering the original with the rules' decisions`, { ...ids, error: errorName(err), reason });
      observer.metric('UpdateSkipped', 1, 'Count', { reason: err instanceof ServiceError ? err.serviceCode : (errorName(err) ?? 'error') });
      return done({ status: 'update-skipped', reason });
    }
  } finally {
    deadline.dispose();
  }
}
