import { isAscii } from 'node:buffer';
import libqp from 'libqp';
import { canonicalCharset, charsetKind, decodeCharset, encodeCharset, encodeWide, type CharsetKind } from './charset.js';
import { decodedBody } from './decoded-body.js';
import { detectLineEnding, normalizeLineBreaks, type LineEnding } from './line-ending.js';
import type { MimePart } from './mime-part.js';
import { assertText, decodesLosslessly, readText, setText } from './text-body.js';
import { ENCODED_LINE_LENGTH, encodeQpBinary, encodeTransfer } from './transfer-encoding.js';

/** Where {@link appendText} puts the text. */
export type TextPosition = 'top' | 'bottom';

/**
 * How a text addition was made:
 * - `spliced`: only the added text was encoded, in the part's own charset, and joined to the
 *   existing content bytes, which are unchanged (verbatim in the raw body for identity and
 *   ASCII-compatible quoted-printable bodies; decoded byte for byte otherwise);
 * - `converted`: the addition could not be spliced (the charset cannot carry it, or an
 *   insertion inside UTF-16/32 text), but the existing text decodes losslessly, so the whole
 *   part was re-encoded (in its charset when that can carry the result, else UTF-8);
 * - `separate-part`: neither was possible; nothing was changed, and the caller should add the
 *   text as its own part (see {@link addSeparateTextPart}).
 */
export type TextInsertionStrategy = 'spliced' | 'converted' | 'separate-part';

/** What {@link appendText} / {@link insertTextAt} did. */
export type TextInsertion = { strategy: 'spliced' | 'converted'; charset: string; transferEncoding: string } | { strategy: 'separate-part'; reason: string };

/** Options of {@link appendText}. */
export interface AppendTextOptions {
  /**
   * Keep the addition a paragraph of its own: at the top, a blank line follows it; at the
   * bottom, the existing text is ended with a line break if it lacks one and a blank line
   * comes before the addition, which itself ends with a line break. Default false: the text
   * is inserted exactly as given.
   */
  paragraph?: boolean;
}

const IDENTITY = new Set(['', '7bit', '8bit', 'binary']);
/** An offset meaning "the end of the content". */
const END = -1;
/** Stands for an unknown charset label: only ASCII text is written into it. */
const UNKNOWN_ASCII = 'unknown (ASCII-compatible)';
const BOMS: Record<string, Buffer> = {
  'utf-8': Buffer.from([0xef, 0xbb, 0xbf]),
  'utf-16le': Buffer.from([0xff, 0xfe]),
  'utf-16be': Buffer.from([0xfe, 0xff]),
  'utf-32le': Buffer.from([0xff, 0xfe, 0, 0]),
  'utf-32be': Buffer.from([0, 0, 0xfe, 0xff]),
};

/** The part's text as bytes, and how to encode and join an addition to them. */
interface Target {
  part: MimePart;
  /** Canonical charset; `us-ascii` when none is declared (RFC 2045's default). */
  charset: string;
  kind: CharsetKind;
  /** For `wide` charsets, the byte order's codec (`utf-16le`…); else the charset. */
  codec: string;
  transferEncoding: string;
  raw: Buffer;
  /**
   * Content bytes (transfer encoding removed; for wide QP, a trailing transport line break
   * too). Decoded on first use: appending to quoted-printable does not need them.
   */
  readonly bytes: Buffer;
  /** A suffix of the content (all of it when `whole`), enough to see how it ends. */
  tail: Buffer;
  whole: boolean;
  /** Length of a byte-order mark at the start of `bytes`, which stays first. */
  bom: number;
  /** Line break of the content, as text. */
  eol: LineEnding;
  /** Line break of the raw body (and of new raw lines). */
  rawEol: LineEnding;
}

/** The charset as reports name it: the declared label when it is not one wmflow knows. */
function charsetLabel(t: Target): string {
  return t.charset === UNKNOWN_ASCII ? `${t.part.info.charset ?? 'us-ascii'} (unknown; only ASCII is written into it)` : t.charset;
}

function declined(reason: string): TextInsertion {
  return { strategy: 'separate-part', reason };
}

function rawLineEnding(part: MimePart, raw: Buffer): LineEnding {
  return raw.indexOf(0x0a) >= 0 ? detectLineEnding(raw) : part.headers.eol;
}

/**
 * Why text cannot be written into the part at all (not even by converting it): a transfer
 * encoding other than identity, quoted-printable or base64 (x-uuencode…), whose decoded form
 * wmflow does not know.
 */
function unwritable(part: MimePart): string | undefined {
  const te = part.info.transferEncoding;
  if (IDENTITY.has(te) || te === 'quoted-printable' || te === 'base64') return undefined;
  return `transfer encoding ${JSON.stringify(te)} is not one wmflow can write`;
}

/** Resolves the part's charset and encoding, or says why text cannot be spliced into it. */
function target(part: MimePart): Target | string {
  const info = part.info;
  const transferEncoding = info.transferEncoding;
  const raw = part.rawBody();
  const rawEol = rawLineEnding(part, raw);
  const lazyQp = transferEncoding === 'quoted-printable' && raw.length > 4096;
  let bytes = lazyQp ? Buffer.alloc(0) : decodedBody(raw, transferEncoding);
  let charset = canonicalCharset(info.charset) ?? (info.charset ? undefined : 'us-ascii');
  if (!charset) {
    // An unknown label (unknown-8bit, x-made-up): mail charsets are ASCII-compatible, so
    // ASCII text can still be spliced — unless NUL bytes suggest UTF-16/32.
    if ((lazyQp ? decodedBody(raw, transferEncoding) : bytes).includes(0)) return `charset ${JSON.stringify(info.charset)} is unknown`;
    charset = UNKNOWN_ASCII;
  }
  const kind = charset === UNKNOWN_ASCII ? 'ascii' : charsetKind(charset);
  if (kind === 'other') return `charset ${charset} is not one text can be spliced into`;
  let codec = charset;
  let bom = 0;
  if (kind === 'wide' && lazyQp) bytes = decodedBody(raw, transferEncoding);
  if (kind === 'wide') {
    // A hard line break at the end of quoted-printable is the transport's line end: in UTF-16
    // it would decode to stray CR LF octets (a junk character), so it is not content.
    if (transferEncoding === 'quoted-printable' && endsWithHardBreak(raw)) bytes = bytes.subarray(0, bytes.length - rawEol.length);
    const order = byteOrder(charset, bytes);
    if (!order) return `${charset} text without a byte-order mark: its byte order is ambiguous`;
    codec = order;
    bom = bytes.subarray(0, BOMS[order]!.length).equals(BOMS[order]!) ? BOMS[order]!.length : 0;
    return { part, charset, kind, codec, transferEncoding, raw, bytes, tail: bytes, whole: true, bom, eol: '\r\n', rawEol };
  }
  // In quoted-printable and identity bodies, content line breaks are the raw ones; base64
  // content keeps whatever its encoder had.
  const eol = transferEncoding === 'base64' ? (bytes.indexOf(0x0a) >= 0 ? detectLineEnding(bytes) : '\r\n') : rawEol;
  if (!lazyQp) {
    if (charset === 'utf-8' && bytes.subarray(0, 3).equals(BOMS['utf-8']!)) bom = 3;
    return { part, charset, kind, codec, transferEncoding, raw, bytes, tail: bytes, whole: true, bom, eol, rawEol };
  }
  // Quoted-printable decodes line by line: the start and the last lines tell how it begins and ends.
  if (charset === 'utf-8' && libqp.decode(raw.subarray(0, 12)).subarray(0, 3).equals(BOMS['utf-8']!)) bom = 3;
  const tailStart = raw.lastIndexOf(0x0a, raw.length - 256) + 1;
  let decoded: Buffer | undefined;
  return {
    part,
    charset,
    kind,
    codec,
    transferEncoding,
    raw,
    bom,
    eol,
    rawEol,
    get bytes() {
      decoded ??= decodedBody(raw, transferEncoding);
      return decoded;
    },
    tail: libqp.decode(raw.subarray(tailStart)),
    whole: tailStart === 0,
  };
}

/** `utf-16le`/`utf-16be`/`utf-32le`/`utf-32be` from the name, else from a leading BOM. */
function byteOrder(charset: string, bytes: Buffer): string | undefined {
  const size = /32|ucs-?4/.test(charset) ? '32' : '16';
  if (/le$/.test(charset)) return `utf-${size}le`;
  if (/be$/.test(charset)) return `utf-${size}be`;
  for (const end of ['le', 'be']) {
    const name = `utf-${size}${end}`;
    if (bytes.subarray(0, BOMS[name]!.length).equals(BOMS[name]!)) return name;
  }
  return undefined;
}

function endsWithHardBreak(raw: Buffer): boolean {
  const n = raw.length;
  if (!n || raw[n - 1] !== 0x0a) return false;
  const before = raw[n - 2] === 0x0d ? n - 3 : n - 2;
  return before < 0 || raw[before] !== 0x3d;
}

/** `text` encoded in the target's charset, or undefined when the charset cannot carry it. */
function encodeAddition(t: Target, text: string): Buffer | undefined {
  const normalized = normalizeLineBreaks(text, t.eol);
  if (t.kind === 'wide') return encodeWide(normalized, t.codec);
  if (t.charset === UNKNOWN_ASCII) return /^[\x00-\x7f]*$/.test(normalized) ? Buffer.from(normalized, 'latin1') : undefined;
  return encodeCharset(normalized, t.charset);
}

/** Whether the content ends with a line break (as characters of its charset). */
function endsWithLineBreak(t: Target): boolean {
  const lf = encodeAddition(t, '\n')!;
  return (!t.whole || t.tail.length - t.bom >= lf.length) && t.tail.subarray(t.tail.length - lf.length).equals(lf);
}

/**
 * Adds text at the top or bottom of a text part without decoding and re-encoding what is
 * there: the addition is encoded in the part's own charset and transfer encoding and spliced
 * into the raw body (identity: plain bytes with the part's line ending; quoted-printable:
 * encoded with libqp and joined at the last line, soft break or not; base64: re-encoded as
 * bytes; UTF-16/32: encoded in that charset after any byte-order mark, never as raw CR/LF
 * octets). Line breaks in `text` (`\n`, `\r\n`) follow the part's.
 *
 * When the charset cannot represent `text`, the part is converted to UTF-8 only if its bytes
 * decode losslessly; otherwise nothing changes and the result says `separate-part`.
 *
 * @throws {MimeError} `MIME_NOT_TEXT` for a part that is not a text leaf.
 */
export function appendText(part: MimePart, text: string, position: TextPosition, options: AppendTextOptions = {}): TextInsertion {
  assertText(part);
  const refused = unwritable(part);
  if (refused) return declined(refused);
  const t = target(part);
  if (typeof t === 'string') return convertOrDecline(part, t, (current) => place(current, text, position, options));
  let addition = text;
  if (options.paragraph) {
    const empty = t.whole && t.tail.length <= t.bom;
    addition = position === 'top' ? `${text}\n\n` : `${empty || endsWithLineBreak(t) ? '' : '\n'}\n${text}\n`;
  }
  const bytes = encodeAddition(t, addition);
  if (!bytes) {
    return convertOrDecline(part, `${charsetLabel(t)} cannot represent the text`, (current) => place(current, text, position, options));
  }
  return splice(t, bytes, position === 'top' ? t.bom : END, addition, position);
}

/**
 * Inserts text at an offset `locate` finds in the part's decoded text (an HTML body's
 * `<body>` for instance), splicing bytes as {@link appendText} does: identity bodies keep
 * every other byte; quoted-printable and base64 bodies are decoded to bytes, spliced and
 * re-encoded as bytes.
 *
 * For ASCII-compatible charsets `locate` is given a view with one character per byte (Latin-1),
 * so it must depend only on ASCII characters of the text, as HTML syntax does; for others the
 * decoded text.
 *
 * @throws {MimeError} `MIME_NOT_TEXT` for a part that is not a text leaf.
 */
export function insertTextAt(part: MimePart, text: string, locate: (text: string) => number): TextInsertion {
  assertText(part);
  const insertAt = (current: string) => {
    const at = locate(current);
    return current.slice(0, at) + text + current.slice(at);
  };
  const refused = unwritable(part);
  if (refused) return declined(refused);
  const t = target(part);
  if (typeof t === 'string') return convertOrDecline(part, t, insertAt);
  // Offsets in UTF-16/32 text do not map one to one onto bytes: re-encode the whole part.
  if (t.kind === 'wide') return convertOrDecline(part, `${t.charset} text can only be re-encoded whole for an insertion inside it`, insertAt);
  const bytes = encodeAddition(t, text);
  if (!bytes) return convertOrDecline(part, `${charsetLabel(t)} cannot represent the text`, insertAt);
  // One character per byte: offsets in the view are offsets in the bytes.
  const at = t.bom + locate(t.bytes.toString('latin1', t.bom));
  return splice(t, bytes, Math.min(Math.max(at, t.bom), t.bytes.length), text, 'inside');
}

/** The decoded text with the addition placed as {@link appendText} would. */
function place(current: string, text: string, position: TextPosition, options: AppendTextOptions): string {
  const bom = current.startsWith('\ufeff') ? 1 : 0;
  if (position === 'top') return current.slice(0, bom) + (options.paragraph ? `${text}\n\n` : text) + current.slice(bom);
  if (!options.paragraph) return current + text;
  return `${current}${/\n$/.test(current) || current.length <= bom ? '' : '\n'}\n${text}\n`;
}

/**
 * The fallback when the addition cannot be spliced: re-encode the whole part with `edit`'s
 * result, but only if that loses nothing (its bytes decode losslessly); else decline.
 */
function convertOrDecline(part: MimePart, why: string, edit: (current: string) => string): TextInsertion {
  if (!decodesLosslessly(part)) return declined(`${why}, and the existing text does not decode losslessly (re-encoding it would damage it)`);
  return { strategy: 'converted', ...setText(part, edit(readText(part).text)) };
}

/**
 * Joins `add` (encoded content bytes) into the content at byte offset `at`, re-checking the
 * join by decoding for charsets where neighbouring bytes interact, and writes the raw body.
 */
function splice(t: Target, add: Buffer, offset: number, text: string, position: TextPosition | 'inside'): TextInsertion {
  // Resolved only where the content bytes are needed: an append to QP never decodes them.
  let resolved: number | undefined;
  const at = () => (resolved ??= offset === END ? t.bytes.length : offset);
  if (t.kind === 'ascii-stateful') {
    const before = decodeCharset(t.bytes, t.charset).text;
    const after = decodeCharset(Buffer.concat([t.bytes.subarray(0, at()), add, t.bytes.subarray(at())]), t.charset).text;
    const expectedAt = decodeCharset(t.bytes.subarray(0, at()), t.charset).text.length;
    const expected = before.slice(0, expectedAt) + normalizeLineBreaks(text, t.eol) + before.slice(expectedAt);
    if (after !== expected)
      return convertOrDecline(
        t.part,
        `${t.charset} text would change meaning where the addition joins it`,
        (c) => c.slice(0, expectedAt) + text + c.slice(expectedAt),
      );
  }
  const part = t.part;
  let transferEncoding = t.transferEncoding;
  let raw: Buffer;
  if (t.kind === 'wide') {
    // No raw line structure to keep: content re-encoded as bytes, never as raw CR/LF octets.
    const content = Buffer.concat([t.bytes.subarray(0, at()), add, t.bytes.subarray(at())]);
    if (transferEncoding === 'quoted-printable') {
      // The original's final line end stays, as a soft break that decodes to nothing.
      const endsLine = t.raw[t.raw.length - 1] === 0x0a;
      let text = libqp.wrap(encodeQpBinary(content), ENCODED_LINE_LENGTH - (endsLine ? 1 : 0));
      if (endsLine) text += '=\r\n';
      raw = Buffer.from(t.rawEol === '\r\n' ? text : text.replace(/\r\n/g, '\n'), 'latin1');
    } else {
      if (transferEncoding !== 'base64') part.headers.set('Content-Transfer-Encoding', 'base64', { raw: true });
      transferEncoding = 'base64';
      raw = base64Body(t, content);
    }
  } else if (IDENTITY.has(transferEncoding)) {
    const sevenBitOnly = transferEncoding !== '8bit' && transferEncoding !== 'binary';
    if ((sevenBitOnly && !isAscii(add)) || longestLine(add) > 998) {
      // 8-bit bytes cannot go into a 7bit body, nor over-long lines into any: quoted-printable
      // (of the content bytes, which decode unchanged).
      part.headers.set('Content-Transfer-Encoding', 'quoted-printable', { raw: true });
      transferEncoding = 'quoted-printable';
      raw = encodeTransfer(Buffer.concat([t.bytes.subarray(0, at()), add, t.bytes.subarray(at())]), 'quoted-printable', t.rawEol);
    } else {
      raw = Buffer.concat([t.raw.subarray(0, at()), add, t.raw.subarray(at())]);
    }
  } else if (transferEncoding === 'quoted-printable') {
    raw = position === 'top' && t.bom === 0 ? qpPrepend(t, add) : position === 'bottom' ? qpAppend(t, add) : qpWhole(t, add, at());
  } else {
    raw = base64Body(t, Buffer.concat([t.bytes.subarray(0, at()), add, t.bytes.subarray(at())]));
  }
  part.replaceRawBody(raw);
  const charset = t.charset === UNKNOWN_ASCII ? (part.info.charset ?? 'us-ascii') : t.charset;
  return { strategy: 'spliced', charset, transferEncoding: transferEncoding || '7bit' };
}

function longestLine(bytes: Buffer): number {
  let longest = 0;
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, start)) {
    longest = Math.max(longest, i - start);
    start = i + 1;
  }
  return Math.max(longest, bytes.length - start);
}

/** base64 of `content`, ending with a line break when the original body did. */
function base64Body(t: Target, content: Buffer): Buffer {
  const body = encodeTransfer(content, 'base64', t.rawEol);
  const endsLine = t.raw.length ? t.raw[t.raw.length - 1] === 0x0a : !t.part.parent;
  return endsLine && body.length ? Buffer.concat([body, Buffer.from(t.rawEol)]) : body;
}

/** Quoted-printable of `bytes` as raw lines with the body's line ending (no trailing break added). */
function qp(bytes: Buffer, eol: LineEnding, lineLength = ENCODED_LINE_LENGTH): string {
  const text = libqp.wrap(libqp.encode(bytes), lineLength);
  return eol === '\r\n' ? text : text.replace(/\r\n/g, '\n');
}

/** The length of the raw body's last line (after its last LF). */
function lastLineLength(raw: Buffer): number {
  return raw.length - (raw.lastIndexOf(0x0a) + 1);
}

/** Appends to a quoted-printable body, keeping every existing raw byte. */
function qpAppend(t: Target, add: Buffer): Buffer {
  const { raw, rawEol } = t;
  const eolBytes = Buffer.from(rawEol, 'latin1');
  const last = raw[raw.length - 1];
  // The body ends at a line break (hard or soft): the addition simply follows.
  if (!raw.length || last === 0x0a) return Buffer.concat([raw, Buffer.from(qp(add, rawEol), 'latin1')]);
  // A trailing `=` with no line break is a soft break missing its line end.
  if (last === 0x3d) return Buffer.concat([raw, eolBytes, Buffer.from(qp(add, rawEol), 'latin1')]);
  // The last line is unterminated: an addition starting with a line break starts with a hard
  // break; otherwise a soft break joins the two, if the line has room for the `=`.
  if (add.subarray(0, eolBytes.length).equals(eolBytes)) {
    return Buffer.concat([raw, eolBytes, Buffer.from(qp(add.subarray(eolBytes.length), rawEol), 'latin1')]);
  }
  if (lastLineLength(raw) < ENCODED_LINE_LENGTH) return Buffer.concat([raw, Buffer.from(`=${rawEol}`, 'latin1'), Buffer.from(qp(add, rawEol), 'latin1')]);
  // A full last line: re-encode just that line with the addition.
  const cut = raw.lastIndexOf(0x0a) + 1;
  return Buffer.concat([raw.subarray(0, cut), Buffer.from(qp(Buffer.concat([libqp.decode(raw.subarray(cut)), add]), rawEol), 'latin1')]);
}

/** Prepends to a quoted-printable body, keeping every existing raw byte. */
function qpPrepend(t: Target, add: Buffer): Buffer {
  const eolBytes = Buffer.from(t.rawEol, 'latin1');
  if (add.subarray(add.length - eolBytes.length).equals(eolBytes)) return Buffer.concat([Buffer.from(qp(add, t.rawEol), 'latin1'), t.raw]);
  // Not ending in a line break: a soft break joins it to the first line (room left for the `=`).
  return Buffer.concat([Buffer.from(`${qp(add, t.rawEol, ENCODED_LINE_LENGTH - 1)}=${t.rawEol}`, 'latin1'), t.raw]);
}

/** Inserts inside a quoted-printable body: the content bytes spliced and re-encoded as bytes. */
function qpWhole(t: Target, add: Buffer, at: number): Buffer {
  // A final hard line break is content here and is re-encoded as one.
  return encodeTransfer(Buffer.concat([t.bytes.subarray(0, at), add, t.bytes.subarray(at)]), 'quoted-printable', t.rawEol);
}
