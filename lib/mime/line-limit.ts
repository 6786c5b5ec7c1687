import { MimeError } from './errors.js';
import { chooseTransferEncoding, decodeTransfer, encodeTransfer, type WritableTransferEncoding } from './transfer-encoding.js';
import type { MimeMessage } from './mime-message.js';
import type { MimePart } from './mime-part.js';

/** RFC 5321 4.5.3.1.6: at most 1000 octets per line including the CRLF. */
export const MAX_LINE_OCTETS = 1000;

/** A line over the limit. */
export interface LongLine {
  /** 1-based line number in the message. */
  line: number;
  /** Byte offset of the line's first octet. */
  offset: number;
  /** Octets including the line ending (a bare LF counts as the two octets CRLF would be). */
  octets: number;
  /** Path of the part the line is in (`''` for the top-level headers/body). */
  partPath: string;
  /** Whether the line is in a header block (only a re-fold could fix it) or a body. */
  inHeader: boolean;
}

/**
 * Every line of `bytes` longer than 1000 octets counting its CRLF. A bare LF is counted as if
 * it were CRLF, since that is what it becomes on the wire.
 */
export function findLongLines(bytes: Uint8Array, maxOctets = MAX_LINE_OCTETS): { line: number; offset: number; octets: number }[] {
  const out: { line: number; offset: number; octets: number }[] = [];
  let start = 0;
  let line = 1;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (start < buf.length) {
    const lf = buf.indexOf(0x0a, start);
    const end = lf < 0 ? buf.length : lf;
    const content = end - start - (end > start && buf[end - 1] === 0x0d ? 1 : 0);
    if (content + 2 > maxOctets) out.push({ line, offset: start, octets: content + 2 });
    if (lf < 0) break;
    start = lf + 1;
    line++;
  }
  return out;
}

/**
 * Checks a whole message against the line limit and says which part each long line is in, so
 * the caller can decide (re-encode that part, or give up on the update). Pass `serialised` when
 * the caller already has the message's bytes.
 */
export function checkLineLengths(message: MimeMessage, maxOctets = MAX_LINE_OCTETS, serialised?: Buffer): LongLine[] {
  const chunks: { start: number; end: number; part: MimePart; inHeader: boolean }[] = [];
  let offset = 0;
  const walk = (part: MimePart) => {
    const headerLength = part.headers.byteLength;
    chunks.push({ start: offset, end: offset + headerLength, part, inHeader: true });
    offset += headerLength;
    for (const segment of part.segments) {
      if (Buffer.isBuffer(segment)) {
        chunks.push({ start: offset, end: offset + segment.length, part, inHeader: false });
        offset += segment.length;
      } else {
        walk(segment);
      }
    }
  };
  walk(message.root);
  const bytes = serialised ?? message.toBuffer();
  return findLongLines(bytes, maxOctets).map((l) => {
    const owner = chunks.find((c) => l.offset >= c.start && l.offset < c.end) ?? chunks[chunks.length - 1]!;
    return { ...l, partPath: owner.part.path, inHeader: owner.inHeader };
  });
}

/**
 * Re-encodes an untouched leaf whose body breaks the line limit: text as quoted-printable (or
 * base64 when mostly non-ASCII), anything else as base64. The decoded content is unchanged
 * byte for byte; only the transfer encoding changes. Attached messages (message/*) may not be
 * base64 or quoted-printable (RFC 2046 5.2.1), and signed content must not change at all, so
 * those are refused.
 */
export function reencodeForLineLimit(part: MimePart): WritableTransferEncoding {
  if (part.multipart || part.mediaType.startsWith('message/')) {
    throw new MimeError('MIME_UNSUPPORTED_EDIT', `${part.where}: ${part.mediaType} cannot be re-encoded`, part.path);
  }
  for (let p = part.parent; p; p = p.parent) {
    if (p.multipart === 'signed' || p.multipart === 'encrypted') {
      throw new MimeError('MIME_UNSUPPORTED_EDIT', `${part.where} is inside a multipart/${p.multipart}: re-encoding it would break it`, part.path);
    }
  }
  const info = part.info;
  const bytes = decodeTransfer(part.rawBody(), info.transferEncoding);
  const target: WritableTransferEncoding = part.isText ? chooseTransferEncoding(bytes) : 'base64';
  part.headers.set('Content-Transfer-Encoding', target, { raw: true });
  part.replaceRawBody(encodeTransfer(bytes, target, part.headers.eol));
  return target;
}
