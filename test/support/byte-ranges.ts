import type { MimeMessage } from '../../lib/mime/index.js';
import type { MimePart } from '../../lib/mime/index.js';

/** Where a part's bytes are in a serialised message. */
export interface PartRange {
  start: number;
  headerEnd: number;
  end: number;
}

/** Byte ranges of every part of `message` as it serialises now, keyed by path. */
export function partRanges(message: MimeMessage): Map<string, PartRange> {
  const out = new Map<string, PartRange>();
  let offset = 0;
  const walk = (part: MimePart) => {
    const start = offset;
    offset += part.headers.byteLength;
    const headerEnd = offset;
    for (const s of part.segments) {
      if (Buffer.isBuffer(s)) offset += s.length;
      else walk(s);
    }
    out.set(part.path, { start, headerEnd, end: offset });
  };
  walk(message.root);
  return out;
}

/**
 * The one window where `before` and `after` differ: everything before `start` and everything
 * after `endBefore` (in before) / `endAfter` (in after) is identical. Null when equal.
 */
export function diffWindow(before: Buffer, after: Buffer): { start: number; endBefore: number; endAfter: number } | null {
  if (before.equals(after)) return null;
  let start = 0;
  const min = Math.min(before.length, after.length);
  while (start < min && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < min - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, endBefore: before.length - tail, endAfter: after.length - tail };
}
