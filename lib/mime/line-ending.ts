/** The line ending a message or header block uses. */
export type LineEnding = '\r\n' | '\n';

/**
 * The line ending of the first line of `buf`: new lines written into a message follow the
 * style it already has, so a bare-LF message does not become a mixed one. CRLF when unknown.
 */
export function detectLineEnding(buf: Uint8Array): LineEnding {
  const lf = buf.indexOf(0x0a);
  if (lf > 0 && buf[lf - 1] !== 0x0d) return '\n';
  return '\r\n';
}

/** Rewrites every line break of `text` (CRLF, CR or LF) as `eol`. */
export function normalizeLineBreaks(text: string, eol: LineEnding): string {
  return text.replace(/\r\n|\r|\n/g, eol);
}

/** Bare line breaks in some bytes (see {@link findBareLineBreaks}). */
export interface BareLineBreaks {
  /** CR octets not followed by LF. */
  bareCr: number;
  /** LF octets not preceded by CR. */
  bareLf: number;
  /** Offsets of the first bare CRs and LFs (at most `maxPositions` of each), in order. */
  crPositions: number[];
  lfPositions: number[];
}

/**
 * Counts CR and LF octets that are not part of a CRLF pair. Other parsers read a bare CR as a
 * line break (Python's email splits header lines on it) while SMTP and mailsplit do not, so an
 * edit that adds one can make parsers disagree; a pre-flight compares the counts of a message
 * before and after its edits.
 *
 * @param maxPositions How many positions of each kind to record (default 16); counts are exact.
 */
export function findBareLineBreaks(bytes: Uint8Array, maxPositions = 16): BareLineBreaks {
  const found: BareLineBreaks = { bareCr: 0, bareLf: 0, crPositions: [], lfPositions: [] };
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = buf.indexOf(0x0d); i >= 0; i = buf.indexOf(0x0d, i + 1)) {
    if (buf[i + 1] !== 0x0a) {
      if (found.crPositions.length < maxPositions) found.crPositions.push(i);
      found.bareCr++;
    }
  }
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
    if (i === 0 || buf[i - 1] !== 0x0d) {
      if (found.lfPositions.length < maxPositions) found.lfPositions.push(i);
      found.bareLf++;
    }
  }
  return found;
}

const LF_CRLF = Buffer.from('\n\r\n');
const LF_LF = Buffer.from('\n\n');

/**
 * Where a header block starting at `start` ends — just after its blank line (`\n\n` or
 * `\n\r\n`, or a blank first line) — if that blank line ends before `end`; else -1. Two
 * `indexOf` searches, never a loop over lines: the splitter and the headers-only view share it,
 * so both always agree on where headers end.
 */
export function headerBlockEnd(input: Buffer, start: number, end: number): number {
  if (start >= end) return -1;
  if (input[start] === 0x0a) return start + 1;
  if (input[start] === 0x0d && input[start + 1] === 0x0a && start + 2 <= end) return start + 2;
  const window = input.subarray(0, end);
  const crlf = window.indexOf(LF_CRLF, start);
  // The bare-LF form only needs looking for before the CRLF one, so a CRLF message never scans
  // its whole header window twice.
  const lf = (crlf >= 0 ? input.subarray(0, crlf + 2) : window).indexOf(LF_LF, start);
  if (lf >= 0) return lf + 2;
  if (crlf >= 0) return crlf + 3;
  return -1;
}
