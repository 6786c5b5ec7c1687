import { encodeWord, encodeWords, foldLines } from 'nodemailer/lib/mime-funcs';
import { MimeError } from './errors.js';
import { isFieldName } from './header-fields.js';
import type { LineEnding } from './line-ending.js';

/** Longest header line RFC 5322 allows, without its CRLF. */
export const MAX_HEADER_LINE = 998;
/** Where new header lines are folded (RFC 5322 recommends at most 78 characters). */
const FOLD_AT = 76;

/** Throws unless `name` is a valid header field name. */
export function assertFieldName(name: string): void {
  if (!isFieldName(name)) {
    throw new MimeError('MIME_BAD_HEADER', `invalid header name ${JSON.stringify(name)}: use printable ASCII without ":" or spaces`);
  }
}

/** Whether `value` needs RFC 2047 encoding to travel in a header. */
function needsEncoding(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[^\x20-\x7e\t]/.test(value);
}

/**
 * Encodes an unstructured value (Subject, X-… headers): only the words that need it become
 * RFC 2047 encoded words, Q for mostly-Latin text and B otherwise, as mail clients do.
 */
export function encodeUnstructured(value: string): string {
  if (!needsEncoding(value)) return value;
  const nonAscii = value.replace(/[\x20-\x7e]/g, '').length;
  const encoding = nonAscii > value.length / 2 ? 'B' : 'Q';
  return encodeWords(value, encoding, 52);
}

/**
 * Builds the bytes of one header field `Name: value` + line ending, folded at 76 columns where
 * the value has spaces to fold at and never longer than 998 octets a line. With `encode`
 * (the default) non-ASCII text is RFC 2047 encoded; without it the value must already be
 * ASCII (structured values such as addresses that the caller formatted).
 */
export function formatHeaderField(name: string, value: string, eol: LineEnding, encode = true): Buffer {
  assertFieldName(name);
  // A line break inside a value would start a new header: drop it rather than let it inject one.
  const flat = value.replace(/\r\n|\r|\n/g, ' ');
  if (!encode && needsEncoding(flat)) {
    throw new MimeError('MIME_BAD_HEADER', `header ${name}: a pre-formatted value must be printable ASCII`);
  }
  const encoded = encode ? encodeUnstructured(flat) : flat;
  let folded = foldLines(`${name}: ${encoded}`, FOLD_AT, false);
  if (folded.split('\r\n').some((line) => Buffer.byteLength(line) > MAX_HEADER_LINE)) {
    if (!encode) {
      throw new MimeError('MIME_BAD_HEADER', `header ${name}: a word longer than ${MAX_HEADER_LINE} octets cannot be folded`);
    }
    // An unbreakable run (a long token with no spaces) can only be split as encoded words.
    folded = foldLines(`${name}: ${encodeWord(flat, 'Q', 52)}`, FOLD_AT, false);
  }
  return Buffer.from(folded.replace(/\r\n/g, eol) + eol, 'utf8');
}
