/*
 * Reference implementations the splitter is checked against (tests and bench only):
 * - legacyParseMessage: wmflow's former parseMessage, built on mailsplit's Splitter;
 * - mailsplitOutline: the parts mailsplit's Splitter reports, straight from its events.
 */
import type { Transform } from 'node:stream';
import mailsplit from '@zone-eu/mailsplit';
import { MimeError, describePath } from '../../lib/mime/errors.js';
import { HeaderBlock } from '../../lib/mime/header-block.js';
import { detectLineEnding } from '../../lib/mime/line-ending.js';
import { DEFAULT_LIMITS, type MimeLimits } from '../../lib/mime/limits.js';
import { MimeMessage } from '../../lib/mime/mime-message.js';
import { MimePart } from '../../lib/mime/mime-part.js';

import type { ParseOptions } from '../../lib/mime/parse.js';

type SplitterNode = InstanceType<typeof mailsplit.MimeNode>;
interface SplitterEvent {
  type: 'node' | 'data' | 'body';
  node?: SplitterNode;
  value?: Buffer;
}

/**
 * The mailsplit-based parser wmflow used before its own splitter, kept verbatim as a
 * reference for the differential tests and the benchmark (bench/splitter.ts).
 *
 * Parses raw message bytes into a {@link MimeMessage} without copying bodies.
 *
 * Structure comes from mailsplit's Splitter (the splitter mailparser is built on, which agrees
 * with Python and postal-mime on malformed boundaries); bodies stay views into `input`, and
 * every header block is kept byte for byte. Embedded `message/rfc822` parts are opaque leaves,
 * so nothing inside an attached message is ever edited.
 *
 * @throws {MimeError} `MIME_TOO_LARGE`, `MIME_TOO_DEEP`, `MIME_TOO_MANY_PARTS`,
 *   `MIME_HEADER_TOO_LARGE` past the limits; `MIME_UNPARSEABLE` on input that cannot be split
 *   or would not serialise back to itself.
 */
export async function legacyParseMessage(input: Buffer, options: ParseOptions = {}): Promise<MimeMessage> {
  const limits: MimeLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (!Buffer.isBuffer(input)) {
    throw new MimeError('MIME_UNPARSEABLE', 'message: expected the raw bytes as a Buffer');
  }
  if (input.length > limits.maxMessageBytes) {
    throw new MimeError('MIME_TOO_LARGE', `message: ${input.length} bytes is over the ${limits.maxMessageBytes}-byte limit (maxMessageBytes)`, '');
  }

  const root = await split(input, limits);
  reassignAncestorDelimiters(root);
  const message = new MimeMessage(root, input, detectLineEnding(input));
  assertRoundTrip(message, input);
  return message;
}

function split(input: Buffer, limits: MimeLimits): Promise<MimePart> {
  return new Promise((resolve, reject) => {
    const splitter: Transform = new mailsplit.Splitter({
      ignoreEmbedded: true,
      maxHeadSize: limits.maxHeaderBytes,
      // mailsplit counts the root too and fails only past the count.
      maxChildNodes: limits.maxParts,
    }) as unknown as Transform;
    const parts = new Map<SplitterNode, MimePart>();
    let root: MimePart | undefined;
    let last: MimePart | undefined;
    let count = 0;
    let failed = false;

    const fail = (err: MimeError) => {
      if (failed) return;
      failed = true;
      splitter.destroy();
      reject(err);
    };

    splitter.on('data', (event: SplitterEvent) => {
      if (failed) return;
      if (event.type === 'node') {
        const node = event.node ?? (event as unknown as SplitterNode);
        const parent = node.parentNode ? parts.get(node.parentNode) : undefined;
        if (node.parentNode && !parent) {
          return fail(new MimeError('MIME_UNPARSEABLE', `a part after ${describePath(last?.path ?? '')} has no parent the splitter reported`));
        }
        const depth = parent ? parent.depth + 1 : 0;
        if (depth > limits.maxDepth) {
          return fail(new MimeError('MIME_TOO_DEEP', `${parent!.where}: multipart nesting deeper than ${limits.maxDepth} levels (maxDepth)`, parent!.path));
        }
        if (++count > limits.maxParts) {
          return fail(new MimeError('MIME_TOO_MANY_PARTS', `message: more than ${limits.maxParts} MIME parts (maxParts)`, ''));
        }
        const boundary = node._boundary ? node._boundary.toString('latin1') : undefined;
        const part = new MimePart(new HeaderBlock(node.getHeaders()), parent ?? null, node.multipart || false, boundary);
        parts.set(node, part);
        if (parent) parent.segments.push(part);
        else if (!root) root = part;
        last = part;
        return;
      }
      const value = event.value;
      if (!value?.length || !event.node) return;
      // A delimiter line arrives tagged with the part it opens, before that part's headers are
      // parsed: it belongs to the enclosing multipart.
      const owner = parts.get(event.node) ?? (event.node.parentNode ? parts.get(event.node.parentNode) : undefined);
      if (!owner) {
        return fail(new MimeError('MIME_UNPARSEABLE', `bytes after ${describePath(last?.path ?? '')} belong to no part`));
      }
      owner.segments.push(value);
    });
    splitter.on('error', (err: Error & { code?: string }) => {
      const where = describePath(last?.path ?? '');
      if (/header size/i.test(err.message)) {
        fail(new MimeError('MIME_HEADER_TOO_LARGE', `header block after ${where} is over ${limits.maxHeaderBytes} bytes (maxHeaderBytes)`, last?.path));
      } else if (/child nodes/i.test(err.message)) {
        fail(new MimeError('MIME_TOO_MANY_PARTS', `message: more than ${limits.maxParts} MIME parts (maxParts)`, ''));
      } else {
        fail(new MimeError('MIME_UNPARSEABLE', `cannot split the message after ${where}: ${err.message}`, last?.path, { cause: err }));
      }
    });
    splitter.on('end', () => {
      if (failed) return;
      if (!root) return fail(new MimeError('MIME_UNPARSEABLE', 'message: no header block found'));
      resolve(root);
    });
    splitter.end(input);
  });
}

/**
 * Fidelity guard: the parsed tree must serialise to exactly the input. Compared chunk by chunk
 * against views of the input, so it allocates nothing. A mismatch means the splitter lost or
 * moved bytes; refusing the message is safer than editing it.
 */
function assertRoundTrip(message: MimeMessage, input: Buffer): void {
  let offset = 0;
  for (const chunk of message.chunks()) {
    if (offset + chunk.length > input.length || chunk.compare(input, offset, offset + chunk.length) !== 0) {
      throw new MimeError('MIME_UNPARSEABLE', `message: the parsed structure does not reproduce the input at byte ${offset}`);
    }
    offset += chunk.length;
  }
  if (offset !== input.length) {
    throw new MimeError('MIME_UNPARSEABLE', `message: the parsed structure covers ${offset} of ${input.length} bytes`);
  }
}

/** Whether `line` (without its line ending) is a delimiter of `boundary`: `--b` or `--b--`, then only SP/HT. */
function isDelimiterLine(line: Buffer, boundary: string): 'open' | 'close' | false {
  const b = Buffer.from(`--${boundary}`, 'latin1');
  if (line.length < b.length || !line.subarray(0, b.length).equals(b)) return false;
  let i = b.length;
  let kind: 'open' | 'close' = 'open';
  if (line[i] === 0x2d && line[i + 1] === 0x2d) {
    kind = 'close';
    i += 2;
  }
  for (; i < line.length; i++) if (line[i] !== 0x20 && line[i] !== 0x09 && line[i] !== 0x0d) return false;
  return kind;
}

/**
 * mailsplit groups consecutive "data" lines into one chunk, so the closing delimiter of an
 * enclosing multipart can end up in the chunk that closes the inner one
 * (`--inner--` CRLF `--outer--`). Bytes and order are right, ownership is not: the outer
 * multipart would look unclosed, and a part appended to it would land after its end. This moves
 * such lines (with the line break before them, which belongs to the delimiter) to the
 * multipart they delimit, deepest first.
 */
function reassignAncestorDelimiters(root: MimePart): void {
  const multiparts = [...root.walk()].filter((p) => p.multipart && p.boundary).reverse();
  for (const part of multiparts) {
    const last = part.segments[part.segments.length - 1];
    if (!Buffer.isBuffer(last) || !part.parent) continue;
    let closed = false;
    let pos = 0;
    while (pos < last.length) {
      const lf = last.indexOf(0x0a, pos);
      const end = lf < 0 ? last.length : lf + 1;
      const line = last.subarray(pos, lf < 0 ? last.length : lf);
      if (!closed) {
        closed = isDelimiterLine(line, part.boundary!) === 'close';
      } else {
        const owner = ancestorDelimited(part, line);
        if (owner) {
          const split = pos - (pos >= 2 && last[pos - 2] === 0x0d ? 2 : pos >= 1 ? 1 : 0);
          part.segments[part.segments.length - 1] = last.subarray(0, split);
          // Right after the child of `owner` that contains `part`: the same byte order.
          let child: MimePart = part;
          while (child.parent !== owner) child = child.parent!;
          owner.segments.splice(owner.segments.indexOf(child) + 1, 0, last.subarray(split));
          break;
        }
      }
      pos = end;
    }
  }
}

/** The nearest ancestor multipart that `line` is a delimiter of. */
function ancestorDelimited(part: MimePart, line: Buffer): MimePart | undefined {
  for (let a = part.parent; a; a = a.parent) if (a.boundary && isDelimiterLine(line, a.boundary)) return a;
  return undefined;
}

/** One node as mailsplit's Splitter reports it. */
export interface OutlineNode {
  depth: number;
  /** Header block bytes as mailsplit rebuilt them (untouched headers are the original bytes). */
  header: Buffer;
  /** Concatenated `body` events: the raw body of a part that is not split. */
  body: Buffer;
  multipart: string | false;
  boundary: string | undefined;
}

/** The nodes mailsplit's Splitter emits for `input` (ignoreEmbedded, as wmflow parsed), in order. */
export function mailsplitOutline(input: Buffer): Promise<OutlineNode[]> {
  return new Promise((resolve, reject) => {
    const splitter: Transform = new mailsplit.Splitter({ ignoreEmbedded: true }) as unknown as Transform;
    const nodes = new Map<SplitterNode, OutlineNode & { chunks: Buffer[] }>();
    const out: (OutlineNode & { chunks: Buffer[] })[] = [];
    splitter.on('data', (event: SplitterEvent) => {
      if (event.type === 'node') {
        const node = event.node ?? (event as unknown as SplitterNode);
        const parent = node.parentNode ? nodes.get(node.parentNode) : undefined;
        const entry = {
          depth: parent ? parent.depth + 1 : 0,
          header: node.getHeaders(),
          body: Buffer.alloc(0),
          chunks: [] as Buffer[],
          multipart: (node.multipart || false) as string | false,
          boundary: node._boundary ? node._boundary.toString('latin1') : undefined,
        };
        nodes.set(node, entry);
        out.push(entry);
      } else if (event.type === 'body' && event.node && event.value) {
        nodes.get(event.node)?.chunks.push(event.value);
      }
    });
    splitter.on('error', reject);
    splitter.on('end', () => resolve(out.map(({ chunks, ...n }) => ({ ...n, body: Buffer.concat(chunks) }))));
    splitter.end(input);
  });
}
