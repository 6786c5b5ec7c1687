import libqp from 'libqp';
import libbase64 from 'libbase64';
import type { LineEnding } from './line-ending.js';

/** Transfer encodings the engine writes. */
export type WritableTransferEncoding = 'quoted-printable' | 'base64';

/** Line length of re-encoded bodies (RFC 2045 caps quoted-printable and base64 lines at 76). */
export const ENCODED_LINE_LENGTH = 76;

/**
 * Removes a Content-Transfer-Encoding. base64 ignores whitespace and stray characters (as
 * every mail client does); quoted-printable keeps malformed escapes literally; anything else
 * (7bit, 8bit, binary, unknown tokens such as `8bits`) is taken as identity.
 */
export function decodeTransfer(raw: Buffer, transferEncoding: string): Buffer {
  switch (transferEncoding) {
    case 'base64':
      return Buffer.from(raw.toString('latin1'), 'base64');
    case 'quoted-printable':
      return libqp.decode(raw);
    default:
      return raw;
  }
}

/** Encodes bytes as base64 or quoted-printable with lines of at most 76 characters. */
export function encodeTransfer(bytes: Buffer, transferEncoding: WritableTransferEncoding, eol: LineEnding): Buffer {
  const text =
    transferEncoding === 'base64'
      ? libbase64.wrap(bytes.toString('base64'), ENCODED_LINE_LENGTH)
      : libqp.wrap(libqp.encode(bytes), ENCODED_LINE_LENGTH);
  return Buffer.from(eol === '\r\n' ? text : text.replace(/\r\n/g, '\n'), 'latin1');
}

/**
 * Quoted-printable when the bytes are mostly ASCII (readable, compact for Latin text), base64
 * otherwise (smaller for CJK and binary-ish text). The same trade-off nodemailer makes.
 */
export function chooseTransferEncoding(bytes: Uint8Array): WritableTransferEncoding {
  let high = 0;
  for (const b of bytes) if (b > 0x7f || (b < 0x20 && b !== 0x0d && b !== 0x0a && b !== 0x09)) high++;
  return high * 4 > bytes.length ? 'base64' : 'quoted-printable';
}

/** Whether bytes are 7-bit text with every line at most `maxLine` octets (no NUL, no lone CR). */
export function isShortSevenBit(bytes: Uint8Array, maxLine = ENCODED_LINE_LENGTH): boolean {
  let line = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line = 0;
      continue;
    }
    if (b === 0x0d) {
      if (bytes[i + 1] !== 0x0a) return false;
      continue;
    }
    if (b === 0 || b > 0x7f || ++line > maxLine) return false;
  }
  return true;
}
