import { decodeRun } from '../html/decoded-text.js';
import { findTextRuns } from '../html/text-ranges.js';
import { findReaderBodies, getText, type MimeMessage } from '../mime/index.js';

/**
 * The text a reader sees, decoded: the text/plain body whole, and the text/html body as its
 * runs of visible text (character references decoded; tags, comments, scripts and styles left
 * out), each run a string of its own so that nothing matches across a block boundary.
 * Attachments and attached messages are not read.
 */
export function readableTexts(message: MimeMessage): string[] {
  const bodies = findReaderBodies(message);
  const out: string[] = [];
  if (bodies.text) out.push(getText(bodies.text));
  if (bodies.html) {
    const html = getText(bodies.html);
    for (const run of findTextRuns(html)) out.push(decodeRun(html, run).text);
  }
  return out;
}
