import { checkLineLengths, findBareLineBreaks, type MimeMessage } from '../mime/index.js';
import type { ContentProblem } from './content-policy.js';

/**
 * Content checks every mail flow shares (RFC 2046 multiparts, RFC 5321 line length, no new bare
 * line breaks): each platform's content policy calls them and adds its own.
 */

/** Whether bytes have a CR not followed by LF, and an LF not preceded by CR. */
export interface BareLineBreaks {
  bareCr: boolean;
  bareLf: boolean;
}

/**
 * Which kinds of bare line break `bytes` has. Kinds, not counts: a bare-LF message legitimately
 * gains bare LFs when text is added in its own style.
 */
export function bareLineBreaks(bytes: Buffer): BareLineBreaks {
  const found = findBareLineBreaks(bytes, 0);
  return { bareCr: found.bareCr > 0, bareLf: found.bareLf > 0 };
}

/**
 * {@link bareLineBreaks} of `bytes`, read on first use: a pre-flight needs the original's only
 * when the edits brought a bare line break, which they almost never do.
 */
export function lazyBareLineBreaks(bytes: Buffer): BareLineBreaks {
  let found: BareLineBreaks | undefined;
  const get = () => (found ??= bareLineBreaks(bytes));
  return {
    get bareCr() {
      return get().bareCr;
    },
    get bareLf() {
      return get().bareLf;
    },
  };
}

/**
 * The bare line breaks an edit can have brought: in an edited message, only the bytes the edits
 * wrote (chunks that are not views of the original) and the joins around them are read, so a
 * 25 MB attachment that no rule touched is not scanned again. A message parsed from the bytes
 * it is checked as (or one rebuilt from another) is read whole.
 */
function bareLineBreaksAdded(message: MimeMessage, bytes: Buffer): BareLineBreaks {
  if (!message.modified || message.isDerived) return bareLineBreaks(bytes);
  const original = message.original;
  const isOriginal = (c: Buffer) =>
    c.buffer === original.buffer && c.byteOffset >= original.byteOffset && c.byteOffset + c.length <= original.byteOffset + original.length;
  const chunks = message.chunks().filter((c) => c.length > 0);
  const found: BareLineBreaks = { bareCr: false, bareLf: false };
  chunks.forEach((chunk, i) => {
    const before = chunks[i - 1];
    const after = chunks[i + 1];
    const fresh = !isOriginal(chunk);
    if (fresh) {
      // The interior; a leading LF and a trailing CR are decided by the joins below.
      const lo = chunk[0] === 0x0a ? 1 : 0;
      const hi = chunk[chunk.length - 1] === 0x0d ? chunk.length - 1 : chunk.length;
      if (hi > lo) {
        const inner = bareLineBreaks(chunk.subarray(lo, hi));
        found.bareCr ||= inner.bareCr;
        found.bareLf ||= inner.bareLf;
      }
      if (!before && chunk[0] === 0x0a) found.bareLf = true;
      if (!after && chunk[chunk.length - 1] === 0x0d) found.bareCr = true;
    }
    // Joins next to written bytes.
    const contiguous = after !== undefined && !fresh && isOriginal(after) && after.byteOffset === chunk.byteOffset + chunk.length;
    if (after && !contiguous) {
      if (chunk[chunk.length - 1] === 0x0d && after[0] !== 0x0a) found.bareCr = true;
      if (after[0] === 0x0a && chunk[chunk.length - 1] !== 0x0d) found.bareLf = true;
    }
  });
  return found;
}

/** Every multipart has a usable boundary, at least one part and its closing delimiter. */
export function multipartProblems(message: MimeMessage): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const error = (code: string, text: string) => problems.push({ code, message: text, severity: 'error' });
  for (const part of message.parts()) {
    if (!part.mediaType.startsWith('multipart/')) continue;
    if (!part.boundary) {
      error('MULTIPART_NO_BOUNDARY', `${part.where} is ${part.mediaType} without a usable boundary parameter`);
      continue;
    }
    if (!part.children.length) {
      error('MULTIPART_EMPTY', `${part.where} (${part.mediaType}) has no parts`);
      continue;
    }
    const last = part.segments[part.segments.length - 1];
    const closing = Buffer.from(`--${part.boundary}--`, 'latin1');
    if (!Buffer.isBuffer(last) || last.indexOf(closing) < 0) {
      error('MULTIPART_UNCLOSED', `${part.where} (${part.mediaType}) has no closing boundary "--${part.boundary}--"`);
    }
  }
  return problems;
}

/**
 * RFC 5321 line length, and no bare CR or LF the original did not have (other parsers split
 * lines there: an edit must not create line breaks only some readers see). Without a baseline
 * only the line length is checked.
 */
export function lineProblems(message: MimeMessage, bytes: Buffer, baseline: BareLineBreaks | undefined): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const long = checkLineLengths(message, undefined, bytes);
  if (long.length) {
    const first = long[0]!;
    const where = first.partPath === '' ? 'message' : `part ${first.partPath}`;
    problems.push({
      code: 'LINE_TOO_LONG',
      message: `${long.length} line(s) over 1000 octets including CRLF; first at line ${first.line} (${first.octets} octets, ${where} ${first.inHeader ? 'headers' : 'body'})`,
      severity: 'error',
    });
  }
  if (baseline) {
    const now = bareLineBreaksAdded(message, bytes);
    // The original is read only when the edits brought something to compare.
    if (now.bareCr && !baseline.bareCr)
      problems.push({ code: 'BARE_LINE_BREAK', message: 'the update has bare CR octets the original did not have', severity: 'error' });
    if (now.bareLf && !baseline.bareLf)
      problems.push({ code: 'BARE_LINE_BREAK', message: 'the update has bare LF octets the original did not have', severity: 'error' });
  }
  return problems;
}
