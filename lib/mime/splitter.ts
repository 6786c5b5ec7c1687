import { readContentType, type ContentType } from './content-info.js';
import { DelimiterFinder, type DelimiterLine } from './delimiter-finder.js';
import { describePath, MimeError } from './errors.js';
import { HeaderBlock } from './header-block.js';
import type { MimeLimits } from './limits.js';
import { detectLineEnding, headerBlockEnd, type LineEnding } from './line-ending.js';
import { MimePart } from './mime-part.js';

const CR = 0x0d;

/** Media types whose body is a whole message: never split, whatever parameters they carry. */
const EMBEDDED_MESSAGE = new Set(['message/rfc822', 'message/global']);

/** A Content-Type value without these words is neither a multipart nor has a boundary. */
const MAY_SPLIT = /multipart|boundary/i;

/** An open multipart whose delimiters end the parts below it. */
interface Container {
  part: MimePart;
  boundary: string;
}

/** The next delimiter line that applies, and the open multipart it belongs to. */
interface Found {
  line: DelimiterLine;
  /** Index of the owning multipart in the stack of open ones. */
  owner: number;
}

/**
 * The boundary a part's content is split by, as mailsplit (mailparser) and Python decide it:
 * the `boundary` parameter without trailing whitespace, ASCII only (a non-ASCII one matches no
 * line in Python, so it counts as none). Any part that has one is split, multipart or not —
 * a text/html with a stray boundary keeps `multipart: false` and stays a leaf to readers — but
 * an attached message never is: its inside is opaque.
 */
function splittingBoundary(contentType: ContentType | undefined): string | undefined {
  if (!contentType || EMBEDDED_MESSAGE.has(contentType.mediaType)) return undefined;
  const boundary = (contentType.params.boundary ?? '').trimEnd();
  return boundary && Buffer.byteLength(boundary) === boundary.length ? boundary : undefined;
}

/** `mixed` for `multipart/mixed`; false for anything that is not a multipart. */
function multipartSubtype(mediaType: string): string | false {
  return mediaType.startsWith('multipart/') && mediaType.length > 10 ? mediaType.slice(10) : false;
}

/**
 * Splits raw message bytes into a {@link MimePart} tree in one synchronous pass.
 *
 * Delimiter lines and header ends are found with `Buffer.indexOf`; bodies are never looked at
 * byte by byte, and every segment is a `subarray` view of `input`, so the tree holds no copy of
 * the message. The rules are mailsplit's (mailparser's splitter), which agree with Python and
 * postal-mime on malformed mail:
 *
 * - A delimiter line is `--boundary` or `--boundary--` at the start of a line, then only SP/HT
 *   (transport padding, at most a line's worth), then CR*, LF or the end of the input. A
 *   boundary that is a prefix of another, or of any other line, matches nothing else.
 * - Inside a part, the delimiters of every open multipart above it apply: the innermost one
 *   whose delimiter it is wins, so a nested multipart that reuses its parent's boundary sees
 *   the lines first, as in mailparser and Python. A multipart that is never closed ends where
 *   its parent's next delimiter is (or at the end of the input).
 * - After a multipart's closing delimiter, its own boundary no longer splits anything
 *   (epilogue); a closing delimiter before its first part is preamble text.
 * - A header block ends at the first empty line, at a delimiter line (a part with headers
 *   only) or at the end of the input. Two delimiter lines in a row delimit an empty part.
 * - `message/rfc822` is never split: an attached message is one opaque leaf.
 *
 * Byte ownership: the line break in front of a delimiter line belongs to the delimiter (RFC
 * 2046 5.1.1), unless it ends the header block or the previous delimiter line; a multipart's
 * closing delimiter and the epilogue after it are one segment. Every byte lands in exactly one
 * segment or header block, so serialising the tree gives back `input`.
 *
 * @throws {MimeError} `MIME_TOO_DEEP`, `MIME_TOO_MANY_PARTS`, `MIME_HEADER_TOO_LARGE` past
 *   `limits` (`maxMessageBytes` is the caller's check).
 */
export function splitMessage(input: Buffer, limits: MimeLimits): MimePart {
  return new Splitter(input, limits).run();
}

class Splitter {
  private readonly input: Buffer;
  private readonly limits: MimeLimits;
  private readonly finder: DelimiterFinder;
  /** Open multiparts, outermost first. */
  private readonly stack: Container[] = [];
  private count = 0;
  /** The message's line ending, for header blocks that have none of their own. */
  private readonly eol: LineEnding;
  /** The part created last, for error messages that say where parsing was. */
  private last: MimePart | undefined;

  constructor(input: Buffer, limits: MimeLimits) {
    this.input = input;
    this.limits = limits;
    this.finder = new DelimiterFinder(input);
    this.eol = detectLineEnding(input);
  }

  run(): MimePart {
    const input = this.input;
    const length = input.length;
    const root = this.startPart(0, null);
    let current = root.part;
    // Content of `current` not yet given to it starts at `pending`; line breaks before a
    // delimiter are the delimiter's only past `region` (the start of that content).
    let pending = root.contentStart;
    let region = root.contentStart;
    let searchFrom = root.contentStart;

    for (;;) {
      const next = this.nextDelimiter(searchFrom);
      if (!next) {
        if (pending < length) current.segments.push(input.subarray(pending, length));
        return root.part;
      }
      const { line, owner } = next;
      const container = this.stack[owner]!;
      if (line.close && container.part === current) {
        // `--b--` before the first `--b`: preamble text, and `--b` lines still open parts.
        searchFrom = line.end;
        continue;
      }
      const start = line.start - lineBreakBefore(input, line.start, region);
      if (start > pending) current.segments.push(input.subarray(pending, start));
      // Multiparts below the owner that were never closed end here.
      this.stack.length = owner + 1;
      if (line.close) {
        this.stack.pop();
        current = container.part;
        pending = start;
        region = line.contentEnd;
        searchFrom = line.end;
      } else {
        container.part.segments.push(input.subarray(start, line.end));
        const child = this.startPart(line.end, container.part);
        current = child.part;
        pending = region = searchFrom = child.contentStart;
      }
    }
  }

  /** The next delimiter line at or after `from` of any open multipart, innermost first on a tie. */
  private nextDelimiter(from: number): Found | undefined {
    const stack = this.stack;
    let best: Found | undefined;
    let bound = this.input.length;
    // Outermost first: each inner boundary need only be searched up to the best line so far,
    // so a multipart whose delimiters never come costs its own region, not the whole input.
    for (let i = 0; i < stack.length; i++) {
      const line = this.finder.find(stack[i]!.boundary, from, bound);
      if (line && line.start <= bound) {
        best = { line, owner: i };
        bound = line.start;
      }
    }
    return best;
  }

  /**
   * Creates the part that starts at `start`: checks the limits, reads its header block and, for
   * a container, opens it. Returns where its content (body or preamble) starts.
   */
  private startPart(start: number, parent: MimePart | null): { part: MimePart; contentStart: number } {
    const { input, limits } = this;
    if (parent && parent.depth + 1 > limits.maxDepth) {
      throw new MimeError('MIME_TOO_DEEP', `${parent.where}: multipart nesting deeper than ${limits.maxDepth} levels (maxDepth)`, parent.path);
    }
    if (++this.count > limits.maxParts) {
      throw new MimeError('MIME_TOO_MANY_PARTS', `message: more than ${limits.maxParts} MIME parts (maxParts)`, '');
    }

    // A delimiter of an enclosing multipart may end the header block (a part with headers only).
    const delimiter = this.stack.length ? this.nextDelimiter(start) : undefined;
    const regionEnd = delimiter ? delimiter.line.start : input.length;
    const blankEnd = this.findHeaderEnd(start, regionEnd);
    let headerEnd: number;
    let hasBody: boolean;
    if (blankEnd >= 0) {
      headerEnd = blankEnd;
      hasBody = true;
    } else {
      headerEnd = regionEnd - (delimiter ? lineBreakBefore(input, regionEnd, start) : 0);
      hasBody = false;
    }
    if (headerEnd - start > limits.maxHeaderBytes) throw this.headerTooLarge();

    const headers = new HeaderBlock(input.subarray(start, headerEnd), this.eol);
    // Only Content-Type decides the split (without one a part is never a multipart); the rest
    // of the part's ContentInfo is read when someone asks.
    // Parsing the header value is most of the cost of a small part: skip it where it cannot find a
    // multipart type or a boundary parameter.
    const raw = headers.getFirst('content-type');
    const contentType = raw !== undefined && MAY_SPLIT.test(raw) ? readContentType(headers) : undefined;
    const boundary = splittingBoundary(contentType);
    const part = new MimePart(headers, parent, contentType ? multipartSubtype(contentType.mediaType) : false, boundary);
    if (parent) parent.segments.push(part);
    this.last = part;
    // A part with headers only has nothing to split, whatever its headers say.
    if (boundary && hasBody) this.stack.push({ part, boundary });
    return { part, contentStart: headerEnd };
  }

  /**
   * The end of the empty line that ends the header block starting at `start`, if it comes
   * before `regionEnd`; -1 if the block runs to `regionEnd`. Throws when it would be longer
   * than maxHeaderBytes, without scanning past that.
   */
  private findHeaderEnd(start: number, regionEnd: number): number {
    const windowEnd = Math.min(regionEnd, start + this.limits.maxHeaderBytes);
    const end = headerBlockEnd(this.input, start, windowEnd);
    if (end < 0 && windowEnd < regionEnd) throw this.headerTooLarge();
    return end;
  }

  private headerTooLarge(): MimeError {
    const path = this.last?.path ?? '';
    return new MimeError(
      'MIME_HEADER_TOO_LARGE',
      `header block after ${describePath(path)} is over ${this.limits.maxHeaderBytes} bytes (maxHeaderBytes)`,
      this.last?.path,
    );
  }
}

/**
 * Length of the line break (CRLF or LF) right before the delimiter line at `at` that belongs to
 * the delimiter: none when it lies before `region`, the start of the content the delimiter
 * ends (then it ends a header block or the previous delimiter line, which keep it).
 */
function lineBreakBefore(input: Buffer, at: number, region: number): number {
  if (at <= region) return 0;
  return at - 2 >= region && input[at - 2] === CR ? 2 : 1;
}
