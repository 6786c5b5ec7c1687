import { isAscii } from 'node:buffer';
import path from 'node:path';
import { type BareLineBreaks, lazyBareLineBreaks, lineProblems, multipartProblems } from '../core/content-checks.js';
import type { ContentPolicy, ContentProblem } from '../core/content-policy.js';
import { fieldValue, findAttachments, MimeError, parseMessage, REQUIRED_FIELDS, UNIQUE_FIELDS, type MimeMessage } from '../mime/index.js';
import { IMMUTABLE_HEADERS, SES_BLOCKED_EXTENSIONS } from './header-policy.js';

export type { ContentProblem };

/** Codes of the problems WorkMail's RawMessageContent criteria name. */
export type WorkMailProblemCode =
  | 'MALFORMED'
  | 'MULTIPART_NO_BOUNDARY'
  | 'MULTIPART_EMPTY'
  | 'MULTIPART_UNCLOSED'
  | 'UNSUPPORTED_ATTACHMENT'
  | 'LINE_TOO_LONG'
  | 'BARE_LINE_BREAK'
  | 'REQUIRED_HEADER_MISSING'
  | 'IMMUTABLE_HEADER_CHANGED'
  | 'DUPLICATE_UNIQUE_HEADER'
  | 'UNENCODED_8BIT';

/** What the checks need of the original message. */
export interface WorkMailBaseline {
  /** The exact bytes of each immutable header's fields (raw bytes are never modified, only replaced). */
  immutable: Map<string, Buffer[]>;
  /** Whether the original already had bare CR or bare LF line breaks (read when needed). */
  lineBreaks: BareLineBreaks;
}

/** Values of raw fields, normalised for comparison (unfolded; whitespace runs collapsed). */
function values(fields: readonly Buffer[]): string[] {
  return fields.map((raw) => fieldValue(raw).replace(/\s+/g, ' ').trim());
}

/**
 * Whether an immutable header kept its values: same normalised values in the same order. The
 * bytes are compared first, since untouched fields keep theirs and most headers are untouched.
 */
function sameValues(was: readonly Buffer[], now: readonly Buffer[]): boolean {
  if (was.length !== now.length) return false;
  if (was.every((raw, i) => raw.equals(now[i]!))) return true;
  const before = values(was);
  const after = values(now);
  return before.every((v, i) => v === after[i]);
}

/** Takes what {@link workmailContentProblems} compares against, from the original tree. */
export function workmailBaseline(original: MimeMessage): WorkMailBaseline {
  return { immutable: new Map(IMMUTABLE_HEADERS.map((h) => [h, original.headers.rawFields(h)])), lineBreaks: lazyBareLineBreaks(original.original) };
}

/**
 * Checks updated content the way WorkMail does before accepting `PutRawMessageContent`
 * (RawMessageContent criteria 1–7), on the edited tree and its serialised bytes, against the
 * baseline taken from the original before the rules ran. Nothing is parsed again. Returns
 * every problem found; no errors means WorkMail should accept it.
 */
export function workmailContentProblems(message: MimeMessage, bytes: Buffer, baseline: WorkMailBaseline | undefined): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const error = (code: WorkMailProblemCode, text: string) => problems.push({ code, message: text, severity: 'error' });

  // 1. Every multipart is well formed (shared with every platform).
  problems.push(...multipartProblems(message));

  // 2. Attachments of types SES supports.
  for (const att of findAttachments(message)) {
    const ext = att.filename ? path.extname(att.filename).slice(1).toLowerCase() : '';
    if (ext && SES_BLOCKED_EXTENSIONS.has(ext)) {
      error('UNSUPPORTED_ATTACHMENT', `${att.part.where}: attachment "${att.filename}" has a type Amazon SES does not accept (.${ext})`);
    }
  }

  // 3. 8-bit content should be encoded. (node:buffer's isAscii scans natively: a per-byte
  // callback cost ~15 ms on a 1 MB body.)
  for (const part of message.parts()) {
    if (part.multipart || part.mediaType.startsWith('message/')) continue;
    const cte = part.info.transferEncoding;
    if ((cte === '' || cte === '7bit') && !isAscii(part.rawBody())) {
      problems.push({ code: 'UNENCODED_8BIT', message: `${part.where} declares 7bit but carries 8-bit bytes`, severity: 'warning' });
    }
  }

  // 4. RFC 5321 line length, and no bare CR or LF the original did not have (shared).
  problems.push(...lineProblems(message, bytes, baseline?.lineBreaks));

  // 5. Required headers.
  for (const name of REQUIRED_FIELDS) {
    if (!message.headers.has(name)) error('REQUIRED_HEADER_MISSING', `required header ${displayName(name)} is missing`);
  }

  // 6. Immutable headers keep their values.
  if (baseline) {
    for (const [name, was] of baseline.immutable) {
      const now = message.headers.rawFields(name);
      if (!sameValues(was, now)) {
        error('IMMUTABLE_HEADER_CHANGED', `immutable header ${displayName(name)} was changed (${was.length} value(s) before, ${now.length} after)`);
      }
    }
  }

  // 7. Unique headers appear once.
  for (const name of UNIQUE_FIELDS) {
    const count = message.headers.rawFields(name).length;
    if (count > 1) error('DUPLICATE_UNIQUE_HEADER', `header ${displayName(name)} appears ${count} times; it may appear only once`);
  }
  return problems;
}

/** WorkMail's pre-flight as the core step's content policy. */
export const WORKMAIL_CONTENT_POLICY: ContentPolicy<WorkMailBaseline> = {
  baseline: workmailBaseline,
  check: workmailContentProblems,
};

/**
 * Checks updated content as WorkMail receives it: both messages as bytes, parsed here. For the
 * WorkMail side of things (the emulator, `wmflow validate`); the pipeline checks its own tree
 * with {@link workmailContentProblems} instead of parsing again.
 */
export async function checkUpdatedContent(original: Buffer | undefined, updated: Buffer): Promise<ContentProblem[]> {
  let message: MimeMessage;
  try {
    message = await parseMessage(updated);
  } catch (err) {
    if (err instanceof MimeError) return [{ code: 'MALFORMED', message: `the message cannot be parsed: ${err.message}`, severity: 'error' }];
    throw err;
  }
  const before = original ? await parseMessage(original).catch(() => undefined) : undefined;
  return workmailContentProblems(message, updated, before ? workmailBaseline(before) : undefined);
}

/** `message-id` → `Message-ID`. */
function displayName(key: string): string {
  const special: Record<string, string> = { 'message-id': 'Message-ID', 'dkim-signature': 'DKIM-Signature', 'arc-seal': 'ARC-Seal' };
  return special[key] ?? key.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}
