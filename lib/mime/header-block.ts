import { MimeError } from './errors.js';
import { decodeWords } from './encoded-words.js';
import { formatHeaderField } from './header-value.js';
import { detectLineEnding, type LineEnding } from './line-ending.js';
import { isFieldName } from './header-fields.js';

/** One header field as it stands in the message. */
interface Field {
  /** Lower-cased name, `''` for a line with no colon (kept, never matched). */
  key: string;
  /** All lines of the field, continuation lines and line endings included. */
  raw: Buffer;
}

/** A header field as {@link HeaderBlock.list} reports it. */
export interface HeaderField {
  /** The name as written (case kept). Empty for a line with no colon. */
  name: string;
  /** The unfolded value as written (encoded words not decoded). */
  value: string;
  /** The exact bytes of the field in the message. */
  raw: Buffer;
}

/** Options of {@link HeaderBlock.add}. */
export interface AddHeaderOptions {
  /** Put the field first instead of last. Trace-style headers go on top. */
  prepend?: boolean;
  /** The value is already formatted ASCII (addresses, parameters): fold but do not encode. */
  raw?: boolean;
}

function isWsp(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09;
}

/** Bytes as text: UTF-8 when it is valid UTF-8, else Latin-1 so that no byte is lost. */
export function bytesToText(buf: Buffer): string {
  const utf8 = buf.toString('utf8');
  return utf8.includes('\ufffd') && !buf.includes(Buffer.from('\ufffd')) ? buf.toString('latin1') : utf8;
}

/**
 * The header block of one MIME part, kept as the exact bytes of each field. Reading is
 * case-insensitive and unfolds values; editing replaces only the fields it touches, so every
 * other field keeps its bytes (order, folding, case, line endings) — unlike a parse-and-rebuild,
 * which would re-fold and re-case everything and break DKIM.
 */
export class HeaderBlock {
  private fields: Field[];
  /** The empty line that ends the block (`\r\n`, `\n`, or empty for a message with no body). */
  private terminator: Buffer;
  private edited = false;
  private revisionCount = 0;
  /** The line ending new fields are written with. */
  readonly eol: LineEnding;

  /**
   * @param block The raw header bytes, including the empty line that ends them if present.
   * @param fallbackEol The line ending for new lines when `block` has no line break to follow
   *   (an empty block, or one line with none): the message's own. Defaults to CRLF.
   */
  constructor(block: Buffer, fallbackEol: LineEnding = '\r\n') {
    this.eol = block.includes(0x0a) ? detectLineEnding(block) : fallbackEol;
    this.fields = [];
    this.terminator = Buffer.alloc(0);
    let pos = 0;
    while (pos < block.length) {
      const lf = block.indexOf(0x0a, pos);
      const end = lf < 0 ? block.length : lf + 1;
      const line = block.subarray(pos, end);
      const isBlank = (line.length === 1 && line[0] === 0x0a) || (line.length === 2 && line[0] === 0x0d && line[1] === 0x0a);
      if (isBlank) {
        // Everything from the blank line on ends the block (the splitter stops at it).
        this.terminator = block.subarray(pos);
        break;
      }
      const last = this.fields[this.fields.length - 1];
      if (isWsp(line[0]) && last) {
        last.raw = block.subarray(pos - last.raw.length, end);
      } else {
        const colon = line.indexOf(0x3a);
        const key = colon < 0 ? '' : line.subarray(0, colon).toString('latin1').trim().toLowerCase();
        this.fields.push({ key, raw: line });
      }
      pos = end;
    }
  }

  /** True once any field was added, changed or removed. */
  get changed(): boolean {
    return this.edited;
  }

  /** Goes up with every change to the block, so values derived from it know when to re-read. */
  get revision(): number {
    return this.revisionCount;
  }

  /** Whether a field with this name exists. */
  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.fields.some((f) => f.key === key);
  }

  /** Unfolded raw values of every field with this name, in order (encoded words kept). */
  get(name: string): string[] {
    return this.rawFields(name).map(fieldValue);
  }

  /** The exact bytes of every field with this name, in order (what {@link get} unfolds). */
  rawFields(name: string): Buffer[] {
    const key = name.toLowerCase();
    return this.fields.filter((f) => f.key === key).map((f) => f.raw);
  }

  /** The first value with this name, or undefined. */
  getFirst(name: string): string | undefined {
    // Only the first field is unfolded: parsing asks for Content-Type and friends of every part.
    const key = name.toLowerCase();
    const field = this.fields.find((f) => f.key === key);
    return field && fieldValue(field.raw);
  }

  /** Values with RFC 2047 encoded words decoded ({@link decodeWords}: an unknown charset is read as UTF-8 or windows-1252). */
  getDecoded(name: string): string[] {
    return this.get(name).map(decodeWords);
  }

  /** Every field in order, with names as written. */
  list(): HeaderField[] {
    return this.fields.map((f) => {
      const colon = f.raw.indexOf(0x3a);
      return {
        name: colon < 0 ? '' : f.raw.subarray(0, colon).toString('latin1').trim(),
        value: colon < 0 ? '' : fieldValue(f.raw),
        raw: f.raw,
      };
    });
  }

  /** Adds a field (last by default). Non-ASCII values are RFC 2047 encoded unless `raw`. */
  add(name: string, value: string, options: AddHeaderOptions = {}): void {
    const field: Field = { key: name.toLowerCase(), raw: formatHeaderField(name, value, this.eol, !options.raw) };
    if (options.prepend) {
      this.fields.unshift(field);
    } else {
      this.ensureLastFieldEnds();
      this.fields.push(field);
    }
    this.touch();
  }

  /**
   * Sets a field: the first occurrence is replaced where it stands, later ones are removed;
   * a missing field is added last. Text after a bare CR in the replaced field stays (see
   * {@link assertRemovable} for what is refused).
   *
   * @throws {MimeError} `MIME_AMBIGUOUS_HEADER` when the edit would change what parsers that
   *   break lines on a bare CR see as other fields.
   */
  set(name: string, value: string, options: Omit<AddHeaderOptions, 'prepend'> = {}): void {
    const key = name.toLowerCase();
    const index = this.fields.findIndex((f) => f.key === key);
    this.assertRemovable(
      this.fields.filter((f, i) => index >= 0 && i > index && f.key === key),
      'set',
      name,
    );
    if (index < 0) {
      this.add(name, value, options);
      return;
    }
    const existing = this.fields[index]!;
    // Keep the original spelling of the name ("Subject" vs "subject") for minimal change.
    const colon = existing.raw.indexOf(0x3a);
    const spelled = existing.raw.subarray(0, colon).toString('latin1').trim();
    let raw = formatHeaderField(isFieldName(spelled) ? spelled : name, value, this.eol, !options.raw);
    // Fields other parsers see after a bare CR stay exactly as they were, behind the new value.
    const end = headEnd(existing.raw);
    if (end < existing.raw.length) raw = Buffer.concat([raw.subarray(0, raw.length - this.eol.length), existing.raw.subarray(end)]);
    this.fields[index] = { key, raw };
    this.fields = this.fields.filter((f, i) => i <= index || f.key !== key);
    this.touch();
  }

  /**
   * Removes every field with this name; returns how many were removed.
   *
   * @throws {MimeError} `MIME_AMBIGUOUS_HEADER` when one of them hides another field behind a
   *   bare CR, or the name exists only hidden so.
   */
  remove(name: string): number {
    const key = name.toLowerCase();
    this.assertRemovable(
      this.fields.filter((f) => f.key === key),
      'remove',
      name,
    );
    const before = this.fields.length;
    this.fields = this.fields.filter((f) => f.key !== key);
    const removed = before - this.fields.length;
    if (removed) this.touch();
    return removed;
  }

  /**
   * A bare CR (not followed by LF) is a line break to Python's email and many clients, but not
   * to SMTP, mailsplit or mailparser: `Subject: a<CR>Message-ID: <x>` is one field to us and
   * two to them. Edits must not change what either side sees as other fields, so:
   * - {@link set} replaces only what precedes such a bare CR and keeps the rest verbatim;
   * - removing a field that hides another behind a bare CR (by {@link remove}, or a later
   *   duplicate dropped by {@link set}) is refused: the hidden field would vanish for some
   *   parsers or appear for others;
   * - setting or removing a field that exists only hidden in another is refused: the edit
   *   could not reach what those parsers see.
   *
   * @throws {MimeError} `MIME_AMBIGUOUS_HEADER`.
   */
  private assertRemovable(removing: readonly Field[], op: 'set' | 'remove', name: string): void {
    for (const f of removing) {
      const end = headEnd(f.raw);
      if (end < f.raw.length) {
        const hidden = hiddenFieldNames(f.raw.subarray(end));
        throw new MimeError(
          'MIME_AMBIGUOUS_HEADER',
          `cannot ${op} ${name}: a ${name} field contains a bare CR, which Python's email and many mail clients read as a line break${hidden.length ? ` starting another field (${hidden.join(', ')})` : ''}; removing it would remove that text for them and not for others`,
        );
      }
    }
    const key = name.toLowerCase();
    const hider = this.fields.find((f) => f.key !== key && hiddenFieldNames(f.raw.subarray(headEnd(f.raw))).some((h) => h.toLowerCase() === key));
    if (hider) {
      throw new MimeError(
        'MIME_AMBIGUOUS_HEADER',
        `cannot ${op} ${name}: other parsers see a ${name} field behind a bare CR inside the ${fieldName(hider.raw)} field, which this edit cannot reach without changing what they see`,
      );
    }
  }

  /**
   * Makes sure the block ends with the empty line that separates it from a body. A message
   * with headers only has none; giving it a body without one would turn the body into headers.
   */
  ensureBodySeparator(): void {
    if (this.terminator.length) return;
    this.ensureLastFieldEnds();
    this.terminator = Buffer.from(this.eol);
    this.touch();
  }

  /** The block's bytes: untouched fields exactly as they were, then the terminating line. */
  toBuffer(): Buffer {
    return Buffer.concat([...this.fields.map((f) => f.raw), this.terminator]);
  }

  /** Appends the block's bytes to `out` as chunks (the fields' own buffers), copying nothing. */
  collect(out: Buffer[]): void {
    for (const f of this.fields) out.push(f.raw);
    if (this.terminator.length) out.push(this.terminator);
  }

  /** Byte length of {@link toBuffer} without building it. */
  get byteLength(): number {
    return this.fields.reduce((n, f) => n + f.raw.length, this.terminator.length);
  }

  private touch(): void {
    this.edited = true;
    this.revisionCount++;
  }

  /**
   * A header-only message may end without a line break after its last field; one is needed
   * before another field can follow it.
   */
  private ensureLastFieldEnds(): void {
    const last = this.fields[this.fields.length - 1];
    if (last && last.raw[last.raw.length - 1] !== 0x0a) {
      // A trailing bare CR becomes CRLF: CR + CRLF would be an empty line (end of header) to
      // parsers that break lines on CR.
      last.raw = Buffer.concat([last.raw, Buffer.from(last.raw[last.raw.length - 1] === 0x0d ? '\n' : this.eol)]);
      this.revisionCount++;
    }
  }
}

/**
 * The end of what every parser reads as this field: the first bare CR (not followed by LF)
 * that is not followed by SP/HT. Parsers that break lines on CR see a new line there (another
 * field, or the end of the header); the rest is the "tail". `raw.length` when there is none.
 */
function headEnd(raw: Buffer): number {
  for (let i = raw.indexOf(0x0d); i >= 0; i = raw.indexOf(0x0d, i + 1)) {
    const next = raw[i + 1];
    if (next !== 0x0a && next !== 0x20 && next !== 0x09) return i;
  }
  return raw.length;
}

/** Names of the fields a CR-breaking parser sees in a tail (lines with a colon, not continuations). */
function hiddenFieldNames(tail: Buffer): string[] {
  if (!tail.length) return [];
  const names: string[] = [];
  for (const line of tail.toString('latin1').split(/\r\n|\r|\n/)) {
    const m = /^([^\s:]+)\s*:/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

/** The name of a raw field as written. */
function fieldName(raw: Buffer): string {
  const colon = raw.indexOf(0x3a);
  return colon < 0 ? '' : raw.subarray(0, colon).toString('latin1').trim();
}

/**
 * The value of a raw field: after the colon, up to a bare CR that starts another line for
 * CR-breaking parsers (see {@link headEnd}), unfolded (CRLF, LF or CR before SP/HT), trimmed.
 */
export function fieldValue(raw: Buffer): string {
  const colon = raw.indexOf(0x3a);
  const end = headEnd(raw);
  if (colon < 0 || colon > end) return '';
  return bytesToText(raw.subarray(colon + 1, end))
    .replace(/(?:\r\n|\r|\n)(?=[ \t])/g, '')
    .replace(/[\r\n]+$/, '')
    .trim();
}
