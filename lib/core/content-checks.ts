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
    const now = bareLineBreaks(bytes);
    if (now.bareCr && !baseline.bareCr)
      problems.push({ code: 'BARE_LINE_BREAK', message: 'the update has bare CR octets the original did not have', severity: 'error' });
    if (now.bareLf && !baseline.bareLf)
      problems.push({ code: 'BARE_LINE_BREAK', message: 'the update has bare LF octets the original did not have', severity: 'error' });
  }
  return problems;
}
