import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { buildBodyPart, type NewBodyContent } from './build-part.js';
import { MimeError } from './errors.js';
import type { HeaderBlock } from './header-block.js';
import type { MimeMessage } from './mime-message.js';
import type { MimePart } from './mime-part.js';
import { parseMessage } from './parse.js';

/** Header fields that describe a part's content and move with it when it is wrapped. */
const CONTENT_FIELDS = new Set([
  'content-type',
  'content-transfer-encoding',
  'content-disposition',
  'content-id',
  'content-description',
  'content-language',
  'content-location',
  'content-md5',
  'content-base',
]);

/**
 * A deterministic seed for new boundaries: the same message always gets the same new bytes, so
 * a retried invocation writes an identical object and replays are reproducible. Hashes the head,
 * the tail and the length, not the whole message, to stay cheap on 25 MB mail.
 */
export function boundarySeed(bytes: Buffer): string {
  const edge = 64 * 1024;
  const hash = createHash('sha256')
    .update(bytes.subarray(0, edge))
    .update(bytes.subarray(Math.max(edge, bytes.length - edge)))
    .update(String(bytes.length));
  return hash.digest('hex');
}

/** A boundary that occurs nowhere in `bytes`, so it cannot collide with existing lines. */
function freshBoundary(bytes: Buffer): string {
  const seed = boundarySeed(bytes);
  for (let i = 0; ; i++) {
    const boundary = `wmflow-${createHash('sha256').update(`${seed}:${i}`).digest('hex').slice(0, 24)}`;
    if (bytes.indexOf(boundary) < 0) return boundary;
  }
}

/**
 * Inserts a new body part (text, HTML or both) into a multipart: first (where readers look for
 * the body of an attachment-only multipart/mixed) or last. Every existing byte stays; only one
 * delimiter line and the new part are added.
 */
export async function insertBodyPart(message: MimeMessage, multipart: MimePart, content: NewBodyContent, position: 'first' | 'last'): Promise<MimePart> {
  if (!multipart.multipart || !multipart.boundary) {
    throw new MimeError('MIME_UNSUPPORTED_EDIT', `${multipart.where} is not a multipart`, multipart.path);
  }
  const children = multipart.children;
  if (!children.length) {
    throw new MimeError('MIME_UNSUPPORTED_EDIT', `${multipart.where} has no parts to insert beside`, multipart.path);
  }
  const eol = message.eol;
  const built = await parseMessage(await buildBodyPart(content, eol, boundarySeed(message.original)));
  const part = built.root;
  part.parent = multipart;
  const delimiter = Buffer.from(`${eol}--${multipart.boundary}${eol}`, 'latin1');
  if (position === 'first') {
    const at = multipart.segments.indexOf(children[0]!);
    multipart.segments.splice(at, 0, part, delimiter);
  } else {
    const at = multipart.segments.indexOf(children[children.length - 1]!) + 1;
    multipart.segments.splice(at, 0, delimiter, part);
  }
  multipart.markStructureChanged();
  return part;
}

/** Splits a header block into the content fields (which move) and the rest (which stay). */
function splitContentFields(headers: HeaderBlock): { kept: Buffer[]; moved: Buffer[]; hasMimeVersion: boolean } {
  const kept: Buffer[] = [];
  const moved: Buffer[] = [];
  let hasMimeVersion = false;
  for (const field of headers.list()) {
    const key = field.name.toLowerCase();
    if (CONTENT_FIELDS.has(key)) moved.push(field.raw);
    else kept.push(field.raw);
    if (key === 'mime-version') hasMimeVersion = true;
  }
  return { kept, moved, hasMimeVersion };
}

function endLine(raw: Buffer, eol: string): Buffer {
  return raw[raw.length - 1] === 0x0a ? raw : Buffer.concat([raw, Buffer.from(eol)]);
}

/** The top-level header block with its content fields replaced by a multipart/mixed. */
function mixedHeader(headers: HeaderBlock, kept: Buffer[], hasMimeVersion: boolean, boundary: string): Buffer {
  const eol = headers.eol;
  const added = `${hasMimeVersion ? '' : `MIME-Version: 1.0${eol}`}Content-Type: multipart/mixed;${eol} boundary="${boundary}"${eol}`;
  return Buffer.concat([...kept.map((k) => endLine(k, eol)), Buffer.from(added + eol, 'latin1')]);
}

/**
 * Turns a single-part message (say, a PDF with no text) into a multipart/mixed whose first
 * part is the new body and whose second is the original content, its content headers and body
 * bytes unchanged (with `position: 'last'`, the new part comes second; default `first`).
 * Non-content top-level headers keep their bytes and order.
 *
 * @returns a new message (re-parsed from the result), marked modified.
 */
export async function wrapInMixed(message: MimeMessage, content: NewBodyContent, options: { position?: 'first' | 'last' } = {}): Promise<MimeMessage> {
  const root = message.root;
  if (root.multipart) {
    throw new MimeError('MIME_UNSUPPORTED_EDIT', 'message is already a multipart: insert a part instead', '');
  }
  const eol = message.eol;
  const boundary = freshBoundary(message.original);
  const { kept, moved, hasMimeVersion } = splitContentFields(root.headers);
  const newPart = await buildBodyPart(content, eol, boundarySeed(message.original));
  const body = root.rawBody();
  const newSection = [newPart, Buffer.from(`${eol}--${boundary}${eol}`, 'latin1')];
  const originalSection = [
    ...moved.map((m) => endLine(m, eol)),
    Buffer.from(eol),
    // The line break before the next delimiter is the delimiter's: the body keeps every byte.
    body,
    Buffer.from(`${eol}--${boundary}${options.position === 'last' ? '' : '--'}${eol}`, 'latin1'),
  ];
  const bytes = Buffer.concat([
    mixedHeader(root.headers, kept, hasMimeVersion, boundary),
    Buffer.from(`--${boundary}${eol}`, 'latin1'),
    ...(options.position === 'last'
      ? [...originalSection, newPart, Buffer.from(`${eol}--${boundary}--${eol}`, 'latin1')]
      : [...newSection, ...originalSection]),
  ]);
  return (await parseMessage(bytes)).markDerived();
}

/** Options of {@link wrapAsAttachment}. */
export interface WrapOptions {
  /** File name of the attached original. */
  filename?: string;
}

/**
 * Wraps the whole message as a `message/rfc822` attachment of a new message that carries
 * `content` as its body. The new message keeps the original's top-level header fields
 * (From, Date, Message-ID, Received… — byte for byte), so WorkMail's immutable and required
 * headers are unchanged; the original, signature and all, travels untouched inside.
 *
 * @returns a new message, marked modified.
 */
export async function wrapAsAttachment(message: MimeMessage, content: NewBodyContent, options: WrapOptions = {}): Promise<MimeMessage> {
  const eol = message.eol;
  const original = message.toBuffer();
  const boundary = freshBoundary(original);
  const { kept, hasMimeVersion } = splitContentFields(message.headers);
  const filename = (options.filename ?? 'original-message.eml').replace(/["\\\r\n]/g, '');
  const eightBit = !isAscii(original);
  const attachmentHeader =
    `Content-Type: message/rfc822${eol}` +
    (eightBit ? `Content-Transfer-Encoding: 8bit${eol}` : '') +
    `Content-Disposition: attachment; filename="${filename}"${eol}${eol}`;
  const bytes = Buffer.concat([
    mixedHeader(message.headers, kept, hasMimeVersion, boundary),
    Buffer.from(`--${boundary}${eol}`, 'latin1'),
    await buildBodyPart(content, eol, boundarySeed(original)),
    Buffer.from(`${eol}--${boundary}${eol}${attachmentHeader}`, 'latin1'),
    original,
    Buffer.from(`${eol}--${boundary}--${eol}`, 'latin1'),
  ]);
  return (await parseMessage(bytes)).markDerived();
}

/**
 * Replaces one part — its header block and body — with `replacement` (a complete part: header
 * fields, an empty line, the body; no trailing line break, since the one before the next
 * delimiter belongs to the delimiter; written with the message's line ending). Every other byte
 * stays: the delimiter lines around it, the other parts, preamble and epilogue.
 *
 * A part inside a multipart is swapped in place and `message` is returned. The top-level part
 * (a message that is a single attachment) keeps its non-content header fields byte for byte;
 * its content fields and body become the replacement's, and a new message is returned, marked
 * modified.
 */
export async function replacePart(message: MimeMessage, part: MimePart, replacement: Buffer): Promise<MimeMessage> {
  const eol = message.eol;
  const parent = part.parent;
  if (!parent) {
    const built = (await parseMessage(replacement)).root;
    const { kept, hasMimeVersion } = splitContentFields(part.headers);
    const bytes = Buffer.concat([
      ...kept.map((k) => endLine(k, eol)),
      ...(hasMimeVersion ? [] : [Buffer.from(`MIME-Version: 1.0${eol}`)]),
      ...built.headers.list().map((f) => endLine(f.raw, eol)),
      Buffer.from(eol),
      built.rawBody(),
      Buffer.from(eol),
    ]);
    return (await parseMessage(bytes)).markDerived();
  }
  const at = parent.segments.indexOf(part);
  if (at < 0) throw new MimeError('MIME_UNSUPPORTED_EDIT', `${part.where} is not a part of its parent`, part.path);
  // A part that ended with its own line break (headers only) is followed by a delimiter with
  // none in front: the new part must then bring one, or the delimiter would become body text.
  const bytes = part.followedByBareDelimiter() ? Buffer.concat([replacement, Buffer.from(eol)]) : replacement;
  const built = (await parseMessage(bytes)).root;
  built.parent = parent;
  parent.segments[at] = built;
  parent.markStructureChanged();
  return message;
}
