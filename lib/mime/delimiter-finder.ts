/** A multipart delimiter line found in the input. */
export interface DelimiterLine {
  /** Offset of the line's first `-`. Always at a line start (right after an LF). */
  start: number;
  /** Offset just past the line: after its LF, or the end of the input. */
  end: number;
  /** Offset just past `--boundary`, the closing `--` and the transport padding (SP/HT). */
  contentEnd: number;
  /** `--boundary--`: the multipart's closing delimiter. */
  close: boolean;
}

/**
 * Transport padding after a delimiter may be any run of SP/HT, but the whole line must still
 * fit a line (RFC 5322 2.1.1): mailsplit allows `--` + boundary + `--` + 998 padding octets +
 * line ending, with a leading line break on top. The same bound keeps a line of a million
 * spaces after `--boundary` from being a delimiter here and body text there.
 */
const MAX_SUFFIX = 2 + 2 + 998 + 2;

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

/** Cached result of one boundary's search: valid for any later search from `from` on. */
interface SearchState {
  /** Where the search started. */
  from: number;
  /** The first delimiter line at or after `from`, or undefined if none up to `to`. */
  found: DelimiterLine | undefined;
  /** How far (delimiter start offset, inclusive) the search looked when it found nothing. */
  to: number;
}

/**
 * Finds delimiter lines of multipart boundaries in one buffer with `Buffer.indexOf`, never a
 * per-byte loop over bodies. Results are cached per boundary string, so a scan that moves
 * forward through the message searches each byte at most once per open boundary, however
 * many parts there are.
 */
export class DelimiterFinder {
  private readonly input: Buffer;
  private readonly needles = new Map<string, Buffer>();
  private readonly cache = new Map<string, SearchState>();

  constructor(input: Buffer) {
    this.input = input;
  }

  /**
   * The first delimiter line of `boundary` whose `-` is at an offset in `[from, bound]`, or
   * undefined. A line qualifies when it is `--boundary` or `--boundary--`, then only SP/HT, then
   * a line ending (CR run, LF, or both) or the end of the input — the end of the input only
   * after a CR or for the closing form, as mailsplit has it.
   */
  find(boundary: string, from: number, bound: number): DelimiterLine | undefined {
    const state = this.cache.get(boundary);
    let searchFrom = from;
    if (state && state.from <= from) {
      if (state.found) {
        if (state.found.start >= from) return state.found.start <= bound ? state.found : undefined;
      } else {
        if (state.to >= bound) return undefined;
        // Nothing up to `to`: only what lies past it is new.
        searchFrom = Math.max(from, state.to + 1);
      }
    }
    const found = this.search(boundary, searchFrom, bound);
    if (found) this.cache.set(boundary, { from, found, to: found.start });
    else this.cache.set(boundary, { from: state && state.from <= from && !state.found ? state.from : from, found: undefined, to: bound });
    return found;
  }

  private search(boundary: string, from: number, bound: number): DelimiterLine | undefined {
    const input = this.input;
    let needle = this.needles.get(boundary);
    if (!needle) {
      needle = Buffer.from(`\n--${boundary}`, 'latin1');
      this.needles.set(boundary, needle);
    }
    // The needle starts with the LF before the line, one byte before the delimiter itself.
    const haystack = bound + needle.length <= input.length ? input.subarray(0, bound + needle.length - 1) : input;
    let at = haystack.indexOf(needle, Math.max(0, from - 1));
    while (at >= 0) {
      const line = this.lineAt(at + 1, boundary.length);
      if (line) return line;
      at = haystack.indexOf(needle, at + 1);
    }
    return undefined;
  }

  /** The delimiter line at `start` (known to begin `--boundary`), if what follows qualifies. */
  private lineAt(start: number, boundaryLength: number): DelimiterLine | undefined {
    const input = this.input;
    const length = input.length;
    let i = start + 2 + boundaryLength;
    let close = false;
    if (input[i] === DASH) {
      if (input[i + 1] !== DASH) return undefined;
      close = true;
      i += 2;
    }
    const limit = Math.min(length, start + boundaryLength + MAX_SUFFIX);
    while (i < limit && (input[i] === 0x20 || input[i] === 0x09)) i++;
    const contentEnd = i;
    if (i === length) return close ? { start, end: i, contentEnd, close } : undefined;
    while (i < limit && input[i] === CR) i++;
    if (i === length) return { start, end: i, contentEnd, close };
    if (i < limit && input[i] === LF) return { start, end: i + 1, contentEnd, close };
    return undefined;
  }
}
