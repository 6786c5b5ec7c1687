import { isFieldName, parseHeadersOnly } from '../mime/index.js';
import { WmflowError } from '../errors.js';
import { SMTP_PLATFORM } from './platform.js';

/** The header MOVE_TO_JUNK adds, for the mailbox's spam filing (Sieve, procmail, Exchange…). */
export interface JunkHeader {
  name: string;
  value: string;
}

/** The header MOVE_TO_JUNK adds unless told otherwise. */
export const DEFAULT_JUNK_HEADER: JunkHeader = { name: 'X-Spam-Flag', value: 'YES' };

/** `"X-Spam-Flag: YES"` → the header; throws a `SMTP_JUNK_HEADER` error naming the problem. */
export function parseJunkHeader(text: string): JunkHeader {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  const value = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (!isFieldName(name) || !value || /[\r\n]/.test(value)) {
    throw new WmflowError('SMTP_JUNK_HEADER', `the junk header must look like "X-Spam-Flag: YES", not ${JSON.stringify(text)}`);
  }
  const problem = SMTP_PLATFORM.headerEditProblem(name, 'set');
  if (problem) throw new WmflowError('SMTP_JUNK_HEADER', `the junk header cannot be ${name}: ${problem}`);
  return { name, value };
}

/**
 * The message with the junk header spliced into its top header block: every other byte as it
 * was. `set`, not `add`: an upstream `X-Spam-Flag: NO` must not stay beside our `YES` for a
 * filing rule to read first.
 */
export function withJunkHeader(bytes: Buffer, header: JunkHeader): Buffer {
  const message = parseHeadersOnly(bytes);
  message.headers.set(header.name, header.value);
  return message.toBuffer();
}
