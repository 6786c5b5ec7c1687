import { decodeWords, formatHeaderField } from './header-value.js';
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
    const key = name.toLowerCase();
    return this.fields.filter((f) => f.key === key).map((f) => fieldValue(f.raw));
  }

  /** The first value with this name, or undefined. */
  getFirst(name: string): string | undefined {
    return this.get(name)[0];
  }

  /** Values with RFC 2047 encoded words decoded (unknown charsets leave the word as it was). */
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
   * a missing field is added last.
   */
  set(name: string, value: string, options: Omit<AddHeaderOptions, 'prepend'> = {}): void {
    const key = name.toLowerCase();
    const index = this.fields.findIndex((f) => f.key === key);
    if (index < 0) {
      this.add(name, value, options);
      return;
    }
    const existing = this.fields[index]!;
    // Keep the original spelling of the name ("Subject" vs "subject") for minimal change.
    const colon = existing.raw.indexOf(0x3a);
    const spelled = existing.raw.subarray(0, colon).toString('latin1').trim();
    const raw = formatHeaderField(isFieldName(spelled) ? spelled : name, value, this.eol, !options.raw);
    this.fields[index] = { key, raw };
    this.fields = this.fields.filter((f, i) => i <= index || f.key !== key);
    this.touch();
  }

  /** Removes every field with this name; returns how many were removed. */
  remove(name: string): number {
    const key = name.toLowerCase();
    const before = this.fields.length;
    this.fields = this.fields.filter((f) => f.key !== key);
    const removed = before - this.fields.length;
    if (removed) this.touch();
    return removed;
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
      last.raw = Buffer.concat([last.raw, Buffer.from(this.eol)]);
      this.revisionCount++;
    }
  }
}

/** The value of a raw field: after the colon, unfolded, trimmed. */
function fieldValue(raw: Buffer): string {
  const colon = raw.indexOf(0x3a);
  if (colon < 0) return '';
  return bytesToText(raw.subarray(colon + 1))
    .replace(/\r?\n(?=[ \t])/g, '')
    .replace(/[\r\n]+$/, '')
    .trim();
}
