import libqp from 'libqp';
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

/**
 * Encodes bytes as base64 or quoted-printable with lines of at most 76 characters.
 *
 * @param binary For quoted-printable: the bytes are not ASCII-compatible text (UTF-16,
 *   UTF-32), so CR and LF octets are data, not line breaks: every one is escaped and lines
 *   end only in soft breaks. Default false (CR LF pairs are written as line breaks).
 */
export function encodeTransfer(bytes: Buffer, transferEncoding: WritableTransferEncoding, eol: LineEnding, binary = false): Buffer {
  if (transferEncoding === 'base64') return encodeBase64Lines(bytes, eol);
  const text = libqp.wrap(binary ? encodeQpBinary(bytes) : libqp.encode(bytes), ENCODED_LINE_LENGTH);
  return Buffer.from(eol === '\r\n' ? text : text.replace(/\r\n/g, '\n'), 'latin1');
}

/** Bytes per base64 line: 57 bytes make 76 characters. */
const BASE64_LINE_BYTES = (ENCODED_LINE_LENGTH / 4) * 3;

/**
 * base64 in lines of 76 characters separated by `eol` (none after the last), written straight
 * into one buffer a block at a time: no whole-body string, so a 25 MB body costs about its
 * encoded size once.
 */
function encodeBase64Lines(bytes: Buffer, eol: LineEnding): Buffer {
  if (!bytes.length) return Buffer.alloc(0);
  const lines = Math.ceil(bytes.length / BASE64_LINE_BYTES);
  const out = Buffer.allocUnsafe(Math.ceil(bytes.length / 3) * 4 + (lines - 1) * eol.length);
  const block = BASE64_LINE_BYTES * 1024;
  let pos = 0;
  for (let start = 0; start < bytes.length; start += block) {
    const encoded = Buffer.from(bytes.subarray(start, start + block).toString('base64'), 'latin1');
    for (let i = 0; i < encoded.length; i += ENCODED_LINE_LENGTH) {
      if (pos) pos += out.write(eol, pos, 'latin1');
      pos += encoded.copy(out, pos, i, Math.min(i + ENCODED_LINE_LENGTH, encoded.length));
    }
  }
  return out.subarray(0, pos);
}

/**
 * Quoted-printable for bytes with no line structure: printable ASCII (except `=`) and inner
 * spaces stay literal, everything else — CR and LF included — is escaped, so the result is
 * one line for {@link libqp.wrap} to break with soft line breaks only.
 */
export function encodeQpBinary(bytes: Uint8Array): string {
  const out = Buffer.allocUnsafe(bytes.length * 3);
  let pos = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const literal = (b >= 0x21 && b <= 0x7e && b !== 0x3d && !(b === 0x2d && i === 0)) || ((b === 0x20 || b === 0x09) && i + 1 < bytes.length);
    if (literal) {
      out[pos++] = b;
    } else {
      out[pos++] = 0x3d;
      out[pos++] = HEX[b >> 4]!;
      out[pos++] = HEX[b & 15]!;
    }
  }
  return out.toString('latin1', 0, pos);
}

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');

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
