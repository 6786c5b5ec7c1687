import { HeaderBlock } from './header-block.js';
import { detectLineEnding, headerBlockEnd } from './line-ending.js';
import { MimeMessage } from './mime-message.js';
import { MimePart } from './mime-part.js';

/**
 * A view of a message that could not be parsed in full (over a parser limit, or malformed): its
 * top-level header block, parsed as usual, and the rest as one opaque body. Enough for conditions
 * on the envelope, the headers and the subject; never edited or delivered (it is read-only by
 * contract: the original bytes are what goes on). Linear in the header size; the body is a view.
 */
export function parseHeadersOnly(input: Buffer): MimeMessage {
  // After the blank line that ends the top-level headers, or the whole input when there is none.
  const found = headerBlockEnd(input, 0, input.length);
  const end = found < 0 ? input.length : found;
  const root = new MimePart(new HeaderBlock(input.subarray(0, end)), null, false, undefined);
  if (end < input.length) root.segments.push(input.subarray(end));
  return new MimeMessage(root, input, detectLineEnding(input));
}
