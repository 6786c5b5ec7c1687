import { randomBytes } from 'node:crypto';
import { headerAddresses, parseHeadersOnly } from '../mime/index.js';
import type { FlowDirection } from '../rules/delivery.js';
import type { MessageFlowEvent } from '../workmail/event.js';

/** WorkMail's limits on the event it sends. */
export const EVENT_LIMITS = {
  /** Above this the recipient list is cut and `truncated` set. */
  maxPayloadBytes: 128 * 1024,
  /** The subject is cut at this many characters. */
  maxSubjectChars: 256,
} as const;

/** The header fields WorkMail puts in the event (addresses lower-cased). */
export interface EventHeaders {
  from?: string | undefined;
  sender?: string | undefined;
  /** Decoded (RFC 2047) and unfolded. */
  subject?: string | undefined;
}

/**
 * Reads From, Sender and Subject from the message's top header block only: a header scan, so
 * mail whose body the MIME engine would refuse (too deep, too many parts, broken multipart)
 * still gets the event WorkMail would send. Uses the engine's header block and its one
 * address parser so the emulator and the rules agree on what an address is.
 */
export function readEventHeaders(bytes: Buffer): EventHeaders {
  const headers = parseHeadersOnly(bytes).headers;
  return {
    from: headerAddresses(headers, 'from')[0],
    sender: headerAddresses(headers, 'sender')[0],
    subject: headers.getDecoded('subject')[0]?.trim(),
  };
}

/** What the event is built from. */
export interface EventInput {
  bytes: Buffer;
  direction: FlowDirection;
  /** The envelope MAIL FROM (empty for a bounce). */
  mailFrom: string;
  /** Envelope recipients (inbound: only the organisation's). */
  recipients: readonly string[];
}

/** A fresh invocation id: 32 hex digits, kept across retries of one event. */
export function newInvocationId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The event WorkMail sends a Run Lambda rule (summaryVersion 2018-10-10): `sender` only when
 * the Sender header names someone other than From (mail sent on behalf of someone), the subject
 * cut at 256 characters, and the recipient list cut (with `truncated: true`) when the JSON would
 * exceed 128 KB.
 */
export function buildEvent(input: EventInput, messageId: string, options: { invocationId?: string; headers?: EventHeaders } = {}): MessageFlowEvent {
  const { from, sender, subject } = options.headers ?? readEventHeaders(input.bytes);
  const event: MessageFlowEvent = {
    summaryVersion: '2018-10-10',
    envelope: { mailFrom: { address: input.mailFrom }, recipients: [] },
    ...(sender && sender.toLowerCase() !== from?.toLowerCase() ? { sender: { address: sender } } : {}),
    // By code points, so a cut never splits a surrogate pair.
    ...(subject !== undefined ? { subject: Array.from(subject).slice(0, EVENT_LIMITS.maxSubjectChars).join('') } : {}),
    messageId,
    invocationId: options.invocationId ?? newInvocationId(),
    flowDirection: input.direction,
    truncated: false,
  };
  // Add recipients while the payload stays within 128 KB (sizes summed, not re-serialised).
  let size = Buffer.byteLength(JSON.stringify({ ...event, truncated: true }));
  for (const address of input.recipients) {
    const entry = Buffer.byteLength(JSON.stringify({ address })) + (event.envelope.recipients.length ? 1 : 0);
    if (size + entry > EVENT_LIMITS.maxPayloadBytes) {
      event.truncated = true;
      break;
    }
    size += entry;
    event.envelope.recipients.push({ address });
  }
  return event;
}
