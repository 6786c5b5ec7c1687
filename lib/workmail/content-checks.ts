import path from 'node:path';
import {
  checkLineLengths,
  findAttachments,
  MimeError,
  parseMessage,
  type MimeMessage,
} from '../mime/index.js';
import { IMMUTABLE_HEADERS, REQUIRED_HEADERS, SES_BLOCKED_EXTENSIONS, UNIQUE_HEADERS } from './header-policy.js';

/** Why WorkMail would reject (or frown on) updated content. */
export interface ContentProblem {
  code:
    | 'MALFORMED'
    | 'MULTIPART_NO_BOUNDARY'
    | 'MULTIPART_EMPTY'
    | 'MULTIPART_UNCLOSED'
    | 'UNSUPPORTED_ATTACHMENT'
    | 'LINE_TOO_LONG'
    | 'REQUIRED_HEADER_MISSING'
    | 'IMMUTABLE_HEADER_CHANGED'
    | 'DUPLICATE_UNIQUE_HEADER'
    | 'UNENCODED_8BIT';
  /** Human-readable, naming the header or part concerned. */
  message: string;
  /** `error`: WorkMail rejects the update. `warning`: allowed, but against its advice. */
  severity: 'error' | 'warning';
}

/** Values of a field, normalised for comparison (unfolded; whitespace runs collapsed). */
function values(message: MimeMessage, name: string): string[] {
  return message.headers.get(name).map((v) => v.replace(/\s+/g, ' ').trim());
}

/**
 * Checks updated content the way WorkMail does before accepting `PutRawMessageContent`
 * (RawMessageContent criteria 1–7), against the original for the immutable headers.
 * Returns every problem found; an empty list means WorkMail should accept it.
 */
export async function checkUpdatedContent(original: Buffer | MimeMessage, updated: Buffer): Promise<ContentProblem[]> {
  const problems: ContentProblem[] = [];
  const error = (code: ContentProblem['code'], message: string) => problems.push({ code, message, severity: 'error' });

  let message: MimeMessage;
  try {
    message = await parseMessage(updated);
  } catch (err) {
    if (err instanceof MimeError) {
      error('MALFORMED', `the message cannot be parsed: ${err.message}`);
      return problems;
    }
    throw err;
  }
  const before = Buffer.isBuffer(original) ? await parseMessage(original).catch(() => undefined) : original;

  // 1. Every multipart is well formed.
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

  // 2. Attachments of types SES supports.
  for (const att of findAttachments(message)) {
    const ext = att.filename ? path.extname(att.filename).slice(1).toLowerCase() : '';
    if (ext && SES_BLOCKED_EXTENSIONS.has(ext)) {
      error('UNSUPPORTED_ATTACHMENT', `${att.part.where}: attachment "${att.filename}" has a type Amazon SES does not accept (.${ext})`);
    }
  }

  // 3. 8-bit content should be encoded.
  for (const part of message.parts()) {
    if (part.multipart || part.mediaType.startsWith('message/')) continue;
    const cte = part.info.transferEncoding;
    if ((cte === '' || cte === '7bit') && part.rawBody().some((b) => b > 0x7f)) {
      problems.push({ code: 'UNENCODED_8BIT', message: `${part.where} declares 7bit but carries 8-bit bytes`, severity: 'warning' });
    }
  }

  // 4. RFC 5321 line length.
  const long = checkLineLengths(message);
  if (long.length) {
    const first = long[0]!;
    const where = first.partPath === '' ? 'message' : `part ${first.partPath}`;
    error(
      'LINE_TOO_LONG',
      `${long.length} line(s) over 1000 octets including CRLF; first at line ${first.line} (${first.octets} octets, ${where} ${first.inHeader ? 'headers' : 'body'})`,
    );
  }

  // 5. Required headers.
  for (const name of REQUIRED_HEADERS) {
    if (!message.headers.has(name)) error('REQUIRED_HEADER_MISSING', `required header ${displayName(name)} is missing`);
  }

  // 6. Immutable headers keep their values.
  if (before) {
    for (const name of IMMUTABLE_HEADERS) {
      const was = values(before, name);
      const now = values(message, name);
      if (was.length !== now.length || was.some((v, i) => v !== now[i])) {
        error('IMMUTABLE_HEADER_CHANGED', `immutable header ${displayName(name)} was changed (${was.length} value(s) before, ${now.length} after)`);
      }
    }
  }

  // 7. Unique headers appear once.
  for (const name of UNIQUE_HEADERS) {
    const count = message.headers.get(name).length;
    if (count > 1) error('DUPLICATE_UNIQUE_HEADER', `header ${displayName(name)} appears ${count} times; it may appear only once`);
  }
  return problems;
}

/** `message-id` → `Message-ID`. */
function displayName(key: string): string {
  const special: Record<string, string> = { 'message-id': 'Message-ID', 'dkim-signature': 'DKIM-Signature', 'arc-seal': 'ARC-Seal' };
  return special[key] ?? key.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}
