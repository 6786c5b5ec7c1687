import { isAscii } from 'node:buffer';
import type EncodingJapanese from 'encoding-japanese';
import type Iconv from 'iconv-lite';
import { loadOnDemand } from '../on-demand.js';

// The charset tables load on the first text that is neither UTF-8 nor US-ASCII.
const iconv = () => loadOnDemand<typeof Iconv>('iconv-lite');
const Encoding = () => loadOnDemand<typeof EncodingJapanese>('encoding-japanese');

/** Result of {@link decodeCharset}. */
export interface DecodedText {
  text: string;
  /** The charset the bytes were actually decoded with. */
  charset: string;
  /** False when the declared charset was unknown or the bytes were invalid for it (a guess). */
  exact: boolean;
}

/** Names mail uses that iconv-lite does not know, mapped to what it does. */
const ALIASES: Record<string, string> = {
  'ks_c_5601-1987': 'cp949',
  ks_c_5601: 'cp949',
  'x-sjis': 'shift_jis',
  sjis: 'shift_jis',
  'x-euc-jp': 'euc-jp',
  gb2312: 'gbk',
  'x-gbk': 'gbk',
  'utf-7': 'utf7',
  'unicode-1-1-utf-7': 'utf7',
  'x-mac-roman': 'macintosh',
  'ansi_x3.4-1968': 'us-ascii',
  ascii: 'us-ascii',
};

const UNKNOWN = new Set(['unknown-8bit', 'x-unknown', 'unknown', 'default', 'x-user-defined', '8bit', '7bit']);
const JIS = /^(iso-?2022-?jp|csiso2022jp|jis)$/;

/** Lower-cased, unquoted, alias-resolved charset name; `undefined` when absent or unusable. */
export function canonicalCharset(declared: string | undefined): string | undefined {
  if (!declared) return undefined;
  const name = declared
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!name || UNKNOWN.has(name)) return undefined;
  const resolved = ALIASES[name] ?? name;
  if (resolved === 'us-ascii' || resolved === 'utf-8' || resolved === 'utf8') return resolved === 'utf8' ? 'utf-8' : resolved;
  if (JIS.test(resolved)) return 'iso-2022-jp';
  return iconv().encodingExists(resolved) ? resolved : undefined;
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Best guess for bytes whose charset is missing, US-ASCII with 8-bit bytes anyway, or unknown:
 * valid UTF-8 is UTF-8 (what modern clients send), anything else windows-1252, which maps every
 * byte to a character, so nothing is lost or throws.
 */
function guess(bytes: Buffer): DecodedText {
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), charset: 'us-ascii', exact: true };
  if (isValidUtf8(bytes)) return { text: bytes.toString('utf8'), charset: 'utf-8', exact: false };
  return { text: iconv().decode(bytes, 'windows-1252'), charset: 'windows-1252', exact: false };
}

/** Decodes text bytes in their declared charset, falling back sensibly. Never throws. */
export function decodeCharset(bytes: Buffer, declared: string | undefined): DecodedText {
  const charset = canonicalCharset(declared);
  if (!charset || charset === 'us-ascii') {
    const g = guess(bytes);
    return { ...g, exact: g.exact && (charset === 'us-ascii' || !declared) };
  }
  try {
    if (charset === 'utf-8') {
      return { text: bytes.toString('utf8'), charset, exact: isValidUtf8(bytes) };
    }
    if (charset === 'iso-2022-jp') {
      return { text: Encoding().codeToString(Encoding().convert(bytes, { to: 'UNICODE', from: 'JIS' })), charset, exact: true };
    }
    // Latin-1 is decoded as windows-1252 (what every mail client does): C1 bytes are quotes.
    const decodeAs = /^(iso-?8859-1|latin-?1|l1)$/.test(charset) ? 'windows-1252' : charset;
    return { text: iconv().decode(bytes, decodeAs), charset, exact: true };
  } catch {
    return guess(bytes);
  }
}

/**
 * Encodes `text` in `charset` only if the charset represents it exactly (decoding the result
 * gives `text` back); otherwise `undefined`, and the caller switches to UTF-8.
 */
export function encodeCharset(text: string, charset: string): Buffer | undefined {
  const name = canonicalCharset(charset);
  if (!name) return undefined;
  try {
    let bytes: Buffer;
    if (name === 'utf-8') return Buffer.from(text, 'utf8');
    if (name === 'us-ascii') {
      bytes = Buffer.from(text, 'latin1');
      return isAscii(bytes) && bytes.toString('latin1') === text ? bytes : undefined;
    }
    if (name === 'iso-2022-jp') {
      bytes = Buffer.from(Encoding().convert(Encoding().stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
    } else {
      bytes = iconv().encode(text, name);
    }
    return decodeCharset(bytes, name).text === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How bytes of a charset relate to ASCII, which decides how text may be spliced into them:
 * - `ascii`: ASCII bytes are ASCII characters and every character stands alone (US-ASCII,
 *   UTF-8, single-byte charsets): encoded bytes can be joined without looking at neighbours;
 * - `ascii-stateful`: ASCII-compatible, but a byte's meaning can depend on what came before
 *   (double-byte charsets such as Shift_JIS, ISO-2022-JP): a join must be checked by decoding;
 * - `wide`: UTF-16 and UTF-32, whose ASCII characters carry NUL bytes and whose line breaks
 *   are not CR LF octets;
 * - `other`: anything else (UTF-7…): never spliced.
 */
export type CharsetKind = 'ascii' | 'ascii-stateful' | 'wide' | 'other';

const PROBE = '\t\r\n !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~';
const kinds = new Map<string, CharsetKind>();

/** The {@link CharsetKind} of a canonical charset name (see {@link canonicalCharset}). */
export function charsetKind(charset: string): CharsetKind {
  const known = kinds.get(charset);
  if (known) return known;
  let kind: CharsetKind;
  if (charset === 'us-ascii' || charset === 'utf-8') kind = 'ascii';
  else if (/^(utf-?(16|32)(le|be)?|ucs-?2|ucs-?4)$/.test(charset)) kind = 'wide';
  else if (charset === 'iso-2022-jp') kind = 'ascii-stateful';
  else {
    try {
      const ascii = Buffer.from(PROBE, 'latin1');
      const compatible = iconv().encode(PROBE, charset).equals(ascii) && iconv().decode(ascii, charset) === PROBE;
      const codec = iconv().getCodec(charset) as unknown as { decodeBuf?: unknown; encodeBuf?: unknown };
      kind = !compatible ? 'other' : codec.decodeBuf && codec.encodeBuf ? 'ascii' : 'ascii-stateful';
    } catch {
      kind = 'other';
    }
  }
  kinds.set(charset, kind);
  return kind;
}

/** The iconv-lite codec text in `charset` is read with (Latin-1 is read as windows-1252). */
function codecName(charset: string): string {
  return /^(iso-?8859-1|latin-?1|l1)$/.test(charset) ? 'windows-1252' : charset;
}

/**
 * Whether `bytes` decode in `charset` (a canonical name, or a charset {@link decodeCharset}
 * reported) and encode back to exactly the same bytes — the condition for rewriting text
 * without damaging it. False for bytes invalid in the charset (Latin-1 bytes labelled UTF-8,
 * which decode to U+FFFD) and for unknown charsets.
 */
export function roundTrips(bytes: Buffer, charset: string): boolean {
  const name = canonicalCharset(charset);
  if (!name) return false;
  try {
    if (name === 'us-ascii') return isAscii(bytes);
    if (name === 'utf-8') return isValidUtf8(bytes);
    if (name === 'iso-2022-jp') {
      const text = Encoding().codeToString(Encoding().convert(bytes, { to: 'UNICODE', from: 'JIS' }));
      return Buffer.from(Encoding().convert(Encoding().stringToCode(text), { to: 'JIS', from: 'UNICODE' })).equals(bytes);
    }
    // UTF-16/32 with no byte order in the name or a BOM: any decoding is a guess.
    if (/^(utf-?16|utf-?32|ucs-?2|ucs-?4)$/.test(name) && !/^(\xff\xfe|\xfe\xff|\x00\x00\xfe\xff)/.test(bytes.toString('latin1', 0, 4))) return false;
    const codec = codecName(name);
    const text = iconv().decode(bytes, codec, { stripBOM: false });
    return iconv().encode(text, codec, { addBOM: false }).equals(bytes);
  } catch {
    return false;
  }
}

/** `text` in a UTF-16/UTF-32 codec with an explicit byte order (`utf-16le`…), without a BOM. */
export function encodeWide(text: string, codec: string): Buffer {
  return iconv().encode(text, codec, { addBOM: false });
}
