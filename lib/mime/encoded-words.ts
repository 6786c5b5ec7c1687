import { canonicalCharset, decodeCharset } from './charset.js';

/** An RFC 2047 encoded word: `=?charset?Q|B?text?=` (an RFC 2231 `*language` may follow the charset). */
const ENCODED_WORD = /=\?([\w\-*]+)\?([QqBb])\?([^?]*)\?=/g;
const ONLY_WHITESPACE = /^[ \t\r\n]*$/;

/** The bytes of an encoded word's text. Q as libmime reads it: `_` and stray whitespace are spaces, bad escapes literal. */
function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64');
  const q = Buffer.from(text.replace(/=\s+([0-9a-fA-F])/g, '=$1').replace(/[_\s]/g, ' '), 'utf8');
  const out = Buffer.allocUnsafe(q.length);
  let n = 0;
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (c === 0x3d && i + 2 < q.length && isHex(q[i + 1]) && isHex(q[i + 2])) {
      out[n++] = Number.parseInt(String.fromCharCode(q[i + 1]!, q[i + 2]!), 16);
      i += 2;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/**
 * Decodes the RFC 2047 encoded words in a header value. Whitespace between two encoded words
 * goes (RFC 2047 §6.2); neighbouring words in the same charset are joined as bytes before
 * decoding, so a character split across two words (as long UTF-8 subjects often are) comes out
 * whole. Charsets decode as text bodies do ({@link decodeCharset}: legacy tables load only when
 * a word needs them; an unknown charset is read as UTF-8 or windows-1252). Never throws.
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let run: { charset: string; key: string; bytes: Buffer[] } | undefined;
  const flush = () => {
    if (run) out += decodeCharset(Buffer.concat(run.bytes), run.charset).text;
    run = undefined;
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(last, m.index);
    last = m.index + m[0].length;
    const charset = m[1]!.split('*')[0]!;
    const key = canonicalCharset(charset) ?? charset.toLowerCase();
    const bytes = wordBytes(m[2]!, m[3]!);
    if (run && ONLY_WHITESPACE.test(between)) {
      if (run.key === key) {
        run.bytes.push(bytes);
        continue;
      }
      flush();
    } else {
      flush();
      out += between;
    }
    run = { charset, key, bytes: [bytes] };
  }
  flush();
  return out + value.slice(last);
}
