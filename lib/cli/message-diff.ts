import { findReaderBodies, getText, type MimeMessage } from '../mime/index.js';

/** Bodies larger than this (encoded) are summarised, not diffed. */
const MAX_DIFF_BYTES = 1024 * 1024;

/** A readable account of what changed between two messages: headers and decoded body text. */
export function describeChanges(before: MimeMessage, after: MimeMessage): string[] {
  const lines: string[] = [];
  const fields = (m: MimeMessage) =>
    m.headers
      .list()
      .filter((f) => f.name)
      .map((f) => `${f.name}: ${m.headers.getDecoded(f.name)[0] ?? f.value}`);
  const a = fields(before);
  const b = fields(after);
  for (const f of a) if (!b.includes(f)) lines.push(`- ${truncate(f)}`);
  for (const f of b) if (!a.includes(f)) lines.push(`+ ${truncate(f)}`);
  const bodiesBefore = findReaderBodies(before);
  const bodiesAfter = findReaderBodies(after);
  for (const kind of ['text', 'html'] as const) {
    const a = bodiesBefore[kind];
    const b = bodiesAfter[kind];
    if (a && b && Math.max(a.bodyLength, b.bodyLength) > MAX_DIFF_BYTES) {
      // A report, not a copy: a 25 MB body is summarised rather than decoded and diffed.
      if (!a.rawBody().equals(b.rawBody()))
        lines.push(`  ${kind === 'text' ? 'text/plain' : 'text/html'} body: ${a.bodyLength} → ${b.bodyLength} encoded bytes (too large to show a diff)`);
      continue;
    }
    const x = a ? getText(a) : '';
    const y = b ? getText(b) : '';
    if (x === y) continue;
    lines.push(`  ${kind === 'text' ? 'text/plain' : 'text/html'} body:`);
    lines.push(...lineDiff(x, y).map((l) => `  ${truncate(l)}`));
  }
  if (before.parts().length !== after.parts().length) lines.push(`  structure: ${before.parts().length} → ${after.parts().length} MIME parts`);
  return lines;
}

function truncate(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The changed middle of two texts: common leading and trailing lines are left out. */
export function lineDiff(before: string, after: string): string[] {
  const x = before.split(/\r?\n/);
  const y = after.split(/\r?\n/);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  return [...x.slice(head, x.length - tail).map((l) => `- ${l}`), ...y.slice(head, y.length - tail).map((l) => `+ ${l}`)];
}
