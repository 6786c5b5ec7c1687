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
