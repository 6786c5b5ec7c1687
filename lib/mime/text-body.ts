import { canonicalCharset, charsetKind, decodeCharset, encodeCharset, roundTrips, type DecodedText } from './charset.js';
import { setContentTypeParam } from './content-type-param.js';
import { decodedBody } from './decoded-body.js';
import { MimeError } from './errors.js';
import { normalizeLineBreaks } from './line-ending.js';
import type { MimePart } from './mime-part.js';
import { chooseTransferEncoding, decodeTransfer, encodeTransfer, isShortSevenBit, type WritableTransferEncoding } from './transfer-encoding.js';

/** @throws {MimeError} `MIME_NOT_TEXT` unless `part` is a text leaf. */
export function assertText(part: MimePart): void {
  if (!part.isText) {
    throw new MimeError('MIME_NOT_TEXT', `${part.where} is ${part.multipart ? `multipart/${part.multipart}` : part.mediaType}, not a text part`, part.path);
  }
}

/**
 * The decoded text of a text part: transfer encoding removed, charset decoded (unknown or wrong
 * charsets fall back to UTF-8 or windows-1252 — never throws). `format=flowed` text is returned
 * as written, soft line breaks included, so that editing and re-encoding keeps it flowed.
 */
export function readText(part: MimePart): DecodedText {
  assertText(part);
  const info = part.info;
  return decodeCharset(decodedBody(part.rawBody(), info.transferEncoding), info.charset);
}

/**
 * Whether the part's text can be rewritten without damage: its bytes (transfer encoding
 * removed) decode in the charset they are read with and encode back to exactly the same bytes.
 * False for bytes invalid in their declared charset (Latin-1 labelled UTF-8), unknown charsets
 * with bytes that no guess round-trips, and non-text parts. Callers that would otherwise write
 * U+FFFD in place of such bytes should leave the part alone.
 */
export function decodesLosslessly(part: MimePart): boolean {
  if (!part.isText) return false;
  const info = part.info;
  const bytes = decodedBody(part.rawBody(), info.transferEncoding);
  const declared = canonicalCharset(info.charset);
  if (info.charset && !declared) {
    // Unknown label: only a guess that is exact for these bytes (plain ASCII) is safe.
    return roundTrips(bytes, 'us-ascii');
  }
  return roundTrips(bytes, declared && declared !== 'us-ascii' ? declared : decodeCharset(bytes, declared).charset);
}

/**
 * The decoded text of the first or last `maxBytes` (about) of a text part's body, cut at line
 * boundaries so quoted-printable and multi-byte characters decode cleanly: what a rule needs to
 * see whether it already added something at the top or bottom, without decoding a 25 MB body.
 * Base64 and short bodies are read whole.
 */
export function getTextEdge(part: MimePart, edge: 'head' | 'tail', maxBytes = 64 * 1024): string {
  assertText(part);
  const raw = part.rawBody();
  const cte = part.info.transferEncoding;
  if (raw.length <= 2 * maxBytes || cte === 'base64') return getText(part);
  let slice: Buffer;
  if (edge === 'tail') {
    const lf = raw.indexOf(0x0a, raw.length - maxBytes);
    slice = raw.subarray(lf < 0 ? raw.length - maxBytes : lf + 1);
  } else {
    const lf = raw.lastIndexOf(0x0a, maxBytes);
    slice = raw.subarray(0, lf < 0 ? maxBytes : lf + 1);
  }
  return decodeCharset(decodeTransfer(slice, cte), part.info.charset).text;
}

/** Shorthand for `readText(part).text`. */
export function getText(part: MimePart): string {
  return readText(part).text;
}

/** What {@link setText} wrote. */
export interface SetTextResult {
  charset: string;
  transferEncoding: string;
}

const IDENTITY = new Set(['', '7bit', '8bit', 'binary']);

/**
 * Replaces the text of a text part and re-encodes it.
 *
 * - Charset: kept when it represents the new text exactly, else UTF-8 (the Content-Type
 *   `charset` parameter is updated; its other parameters, such as `format=flowed`, stay).
 * - Transfer encoding: an existing quoted-printable or base64 is kept. A 7bit/8bit/binary part
 *   keeps its encoding only if the new bytes are 7-bit with lines of at most 76 octets;
 *   otherwise it becomes quoted-printable (mostly ASCII) or base64, so the result is always
 *   7-bit clean with lines of at most 76 characters.
 * - Line breaks follow the part's style: CRLF, or LF in a bare-LF message. UTF-16/32 text has
 *   no CR LF line structure, so its quoted-printable escapes every CR and LF octet.
 *
 * This rewrites the whole body: check {@link decodesLosslessly} first when the part's bytes
 * may not be valid in its charset, and prefer {@link appendText} for additions.
 */
export function setText(part: MimePart, text: string): SetTextResult {
  assertText(part);
  const info = part.info;
  const eol = part.headers.eol;

  let charset = canonicalCharset(info.charset) ?? (info.charset ? undefined : 'us-ascii');
  let bytes = charset ? encodeCharset(normalizeLineBreaks(text, '\r\n'), charset) : undefined;
  if (!bytes || !charset) {
    charset = 'utf-8';
    bytes = Buffer.from(normalizeLineBreaks(text, '\r\n'), 'utf8');
    setContentTypeParam(part.headers, 'charset', 'utf-8', info.mediaType);
  }

  let transferEncoding = info.transferEncoding;
  let body: Buffer;
  if (IDENTITY.has(transferEncoding) && isShortSevenBit(bytes)) {
    body = eol === '\r\n' ? bytes : Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  } else {
    const target: WritableTransferEncoding =
      transferEncoding === 'base64' || transferEncoding === 'quoted-printable' ? transferEncoding : chooseTransferEncoding(bytes);
    if (target !== transferEncoding) part.headers.set('Content-Transfer-Encoding', target, { raw: true });
    transferEncoding = target;
    // UTF-16/32 bytes have no CR LF line structure: quoted-printable must escape every CR and LF.
    body = encodeTransfer(bytes, target, eol, charsetKind(charset) === 'wide');
    // The top-level body runs to the end of the file; end base64 with a line break as clients do.
    if (target === 'base64' && !part.parent && body.length) body = Buffer.concat([body, Buffer.from(eol)]);
  }
  part.replaceRawBody(body);
  return { charset, transferEncoding: transferEncoding || '7bit' };
}
