import { checkLineLengths, MimeError, parseHeadersOnly, parseMessage, reencodeForLineLimit, type MimeLimits, type MimeMessage } from '../mime/index.js';
import { runRules, type FlowDirection, type KeptArtefact, type RequestedAction, type Rule, type RuleReport } from '../rules/index.js';
import type { ContentProblem, MailPlatform } from './content-policy.js';

/** The envelope of one message, as the mail flow hands it over. */
export interface MessageEnvelope {
  direction: FlowDirection;
  /** Envelope sender (MAIL FROM). */
  mailFrom: string;
  /** On-behalf-of sender, when there is one. */
  sender?: string | undefined;
  /** Envelope recipients. */
  recipients: readonly string[];
}

/** What {@link processMessage} works on. */
export interface ProcessInput {
  /** The raw message. Never modified. */
  bytes: Buffer;
  envelope: MessageEnvelope;
  rules: readonly Rule[];
  /** The organisation's domains, for internal/external conditions. */
  orgDomains: readonly string[];
  /** The mail flow: what it allows and how it pre-flights content. */
  platform: MailPlatform;
  /** The time processing started (default: now). */
  now?: Date | undefined;
  /** Aborted when the time budget is spent: rules not yet started follow their uninspectable policy. */
  signal?: AbortSignal | undefined;
  /** Parser limits (default `DEFAULT_LIMITS`). */
  limits?: Partial<MimeLimits> | undefined;
}

/**
 * - `updated`: rules changed the message and the platform will accept it: deliver `bytes`.
 * - `unchanged`: no rule changed the content.
 * - `declined`: rules changed it but the change cannot be delivered (a rule failed, or the
 *   platform would reject it): the original is delivered, `reasons` say why.
 * - `uninspectable`: the message could not be parsed; only header-level conditions were
 *   evaluated and the rules' uninspectable policies applied; the original is delivered.
 * In every case `actions` are the delivery decisions, and they stand.
 */
export type ProcessStatus = 'updated' | 'unchanged' | 'declined' | 'uninspectable';

/** Everything one run of the core step decided. */
export interface ProcessOutcome {
  status: ProcessStatus;
  /** What to deliver: the new message when `updated`, else the original bytes. */
  bytes: Buffer;
  /** Delivery actions the rules asked for (policy actions included), in order. */
  actions: RequestedAction[];
  /** One report per rule. */
  reports: RuleReport[];
  /** Why the update was declined, or why the message could not be inspected. */
  reasons: string[];
  /** The platform's objections to the update (errors led to `declined`). */
  problems: ContentProblem[];
  /** Paths of untouched parts re-encoded to respect the line limit. */
  repaired: string[];
  /** Set when the message could not be parsed: the parser's error code and message. */
  uninspectable?: { code: string; reason: string } | undefined;
  /** The parsed message as the rules left it (absent when uninspectable). */
  message?: MimeMessage | undefined;
  /**
   * Artefacts rules kept (quarantined attachments), which the updated content refers to: the
   * entry point must store each before it delivers `bytes`. Empty unless `updated` — otherwise
   * the original, files and all, is delivered.
   */
  kept: KeptArtefact[];
}

/**
 * The one message-processing step every entry point shares (the Lambda, `wmflow replay`,
 * `check`, the SMTP filter): parse once, run the rules, repair line-limit problems of untouched
 * parts on the tree, serialise once, and pre-flight the result against a baseline taken from
 * the original before the rules ran. Pure: no I/O, no logging; the outcome says everything.
 */
export async function processMessage(input: ProcessInput): Promise<ProcessOutcome> {
  const { bytes, platform } = input;
  const base = { bytes, problems: [] as ContentProblem[], repaired: [] as string[], kept: [] as KeptArtefact[] };
  const runInput = { ...envelopeInput(input), size: bytes.length, ...(input.signal ? { signal: input.signal } : {}) };

  let message: MimeMessage;
  let unreadable: { code: string; reason: string } | undefined;
  try {
    message = await parseMessage(bytes, input.limits ? { limits: input.limits } : {});
    unreadable = brokenStructure(message);
  } catch (err) {
    if (!(err instanceof MimeError)) throw err;
    message = parseHeadersOnly(bytes);
    unreadable = { code: err.code, reason: err.message };
  }
  if (unreadable) {
    // Header-level inspection still runs: a sender must not switch a rule off by shaping the body.
    const run = await runRules(input.rules, { ...runInput, message, uninspectable: { reason: unreadable.reason, level: 'headers' } });
    return {
      ...base,
      status: 'uninspectable',
      actions: run.actions,
      reports: run.reports,
      reasons: [`could not inspect the message: ${unreadable.reason}`],
      uninspectable: unreadable,
    };
  }

  const baseline = platform.content.baseline(message);
  const run = await runRules(input.rules, { ...runInput, message });
  const decided = { actions: run.actions, reports: run.reports };
  if (!run.changed) return { ...base, ...decided, status: 'unchanged', reasons: [], message: run.message };
  if (run.contentUnusable) return { ...base, ...decided, status: 'declined', reasons: [run.contentUnusable], message: run.message };

  const updated = run.message;
  let out = updated.toBuffer();
  const repaired = repairLongLines(updated, out);
  if (repaired.length) out = updated.toBuffer();
  const problems = platform.content.check(updated, out, baseline);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    return {
      ...base,
      ...decided,
      status: 'declined',
      reasons: errors.map((p) => `${platform.name} would reject the update: ${p.message}`),
      problems,
      repaired,
      message: updated,
    };
  }
  return { ...decided, status: 'updated', bytes: out, reasons: [], problems, repaired, message: updated, kept: run.kept };
}

/**
 * A multipart without a usable boundary or without any part: readers fall back to showing its
 * raw text, which no rule can reason about (no reader body, no parts), so the message counts as
 * uninspectable rather than as one with nothing in it.
 */
function brokenStructure(message: MimeMessage): { code: string; reason: string } | undefined {
  for (const part of message.parts()) {
    if (!part.mediaType.startsWith('multipart/')) continue;
    if (!part.boundary) return { code: 'MIME_MULTIPART_NO_BOUNDARY', reason: `${part.where} is ${part.mediaType} without a boundary` };
    if (!part.children.length) return { code: 'MIME_MULTIPART_EMPTY', reason: `${part.where} is ${part.mediaType} without any part` };
  }
  return undefined;
}

/**
 * Re-encodes untouched leaves whose body breaks the 1000-octet line limit (their decoded bytes
 * unchanged). Returns the paths re-encoded; what cannot be fixed is left for the pre-flight.
 */
function repairLongLines(message: MimeMessage, bytes: Buffer): string[] {
  const fixed = new Set<string>();
  for (const long of checkLineLengths(message, undefined, bytes)) {
    if (long.inHeader || fixed.has(long.partPath)) continue;
    const part = message.findPart(long.partPath);
    if (!part) continue;
    try {
      reencodeForLineLimit(part);
      fixed.add(long.partPath);
    } catch (err) {
      if (!(err instanceof MimeError)) throw err;
    }
  }
  return [...fixed];
}

/** What the rule engine needs of the envelope, the organisation and the platform. */
function envelopeInput(input: Pick<ProcessInput, 'envelope' | 'orgDomains' | 'now' | 'platform'>) {
  const { envelope } = input;
  return {
    direction: envelope.direction,
    mailFrom: envelope.mailFrom,
    sender: envelope.sender,
    recipients: envelope.recipients,
    orgDomains: input.orgDomains,
    now: input.now ?? new Date(),
    platform: input.platform,
  };
}

/**
 * The delivery decisions when a message could not be processed at all (time ran out, it could
 * not be fetched): header-level conditions when the bytes are known, envelope-level otherwise,
 * and every rule whose condition holds or is unknown follows its uninspectable policy.
 */
export async function decideWithoutInspection(
  input: Omit<ProcessInput, 'bytes' | 'signal' | 'limits'> & { bytes?: Buffer | undefined; reason: string },
): Promise<{ actions: RequestedAction[]; reports: RuleReport[] }> {
  const run = await runRules(input.rules, {
    ...envelopeInput(input),
    message: parseHeadersOnly(input.bytes ?? Buffer.alloc(0)),
    ...(input.bytes ? { size: input.bytes.length } : {}),
    uninspectable: { reason: input.reason, level: input.bytes ? 'headers' : 'envelope' },
  });
  return { actions: run.actions, reports: run.reports };
}
