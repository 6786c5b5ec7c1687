import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { decodeTransfer, getText, HeaderBlock, parseMessageSync, type MimeMessage, type MimePart } from '../../lib/mime/index.js';
import { emlFiles, SAMPLES_DIR } from '../support/samples.js';
import { mailsplitOutline, type OutlineNode } from './mailsplit-reference.js';

/*
 * The splitter against independent oracles: mailsplit's Splitter (the splitter mailparser is
 * built on, which decided wmflow's structure before) and mailparser's simpleParser, over the
 * samples, the corpus when WMFLOW_CORPUS_DIR names it, and fuzzed variants of both.
 */

const corpusDir = process.env.WMFLOW_CORPUS_DIR;
const corpus = corpusDir ? emlFiles(corpusDir) : [];
if (!corpusDir) console.log('splitter differential: WMFLOW_CORPUS_DIR is not set, the corpus comparison did not run');

const files = [...emlFiles(SAMPLES_DIR), ...corpus];
const inputs: [string, Buffer][] = files.map((f) => [`${path.basename(path.dirname(f))}/${path.basename(f)}`, readFileSync(f)]);

/** Whether a header block ends with the empty line, i.e. the part has a body. */
function terminated(header: Buffer): boolean {
  const s = header.toString('latin1');
  return s === '\n' || s === '\r\n' || s.endsWith('\n\n') || s.endsWith('\n\r\n');
}

interface Shape {
  depth: number;
  multipart: string | false;
  boundary: string | undefined;
  fields: string[];
  /** Raw body of a part that is not split (absent for containers). */
  body: string | undefined;
}

/*
 * Compared: every part whose header block ends with an empty line. mailsplit never reports a
 * part whose header block an enclosing delimiter cut short (an empty part between two
 * delimiter lines, or one with headers only): it drops it and its header bytes, which is why
 * wmflow could not represent such mail before. Everything else must agree.
 */
function shapeOf(depth: number, header: Buffer, multipart: string | false, boundary: string | undefined, body: Buffer | undefined): Shape {
  return {
    depth,
    multipart,
    boundary,
    fields: new HeaderBlock(header).list().map((f) => f.raw.toString('latin1').replace(/\r?\n$/, '')),
    body: boundary ? undefined : body!.toString('latin1'),
  };
}

/** Every part in byte order, including those under a non-multipart that has a boundary. */
function allParts(part: MimePart): MimePart[] {
  return [part, ...part.segments.flatMap((s) => (Buffer.isBuffer(s) ? [] : allParts(s)))];
}

function ours(message: MimeMessage): Shape[] {
  return allParts(message.root)
    .filter((p) => terminated(p.headers.toBuffer()))
    .map((p) => shapeOf(p.depth, p.headers.toBuffer(), p.multipart, p.boundary, p.boundary ? undefined : p.rawBody()));
}

function theirs(nodes: OutlineNode[]): Shape[] {
  return nodes.filter((n) => terminated(n.header)).map((n) => shapeOf(n.depth, n.header, n.multipart, n.boundary, n.body));
}

async function expectSameAsMailsplit(input: Buffer): Promise<MimeMessage> {
  const message = parseMessageSync(input);
  // (c) round-trip identity.
  expect(message.toBuffer().equals(input)).toBe(true);
  // (a) the same parts, boundaries, headers and body bytes as mailsplit.
  expect(ours(message)).toEqual(theirs(await mailsplitOutline(input)));
  return message;
}

describe('splitter against mailsplit', () => {
  it('covers the samples', () => {
    expect(emlFiles(SAMPLES_DIR).length).toBeGreaterThanOrEqual(30);
  });

  it.each(inputs)('%s: same parts and bytes as mailsplit, round trip exact', async (_name, input) => {
    await expectSameAsMailsplit(input);
  });
});

/** Lines of a message, each with its line ending, as latin1 text (byte-exact). */
function lines(input: Buffer): string[] {
  return input.toString('latin1').split(/(?<=\n)/);
}

const isDelimiterish = (line: string) => line.startsWith('--');

type Mutation =
  | { kind: 'drop' | 'duplicate'; which: number }
  | { kind: 'pad'; which: number; padding: string }
  | { kind: 'lf' | 'crlf' }
  | { kind: 'mixed'; seed: number }
  | { kind: 'truncate'; at: number };

function mutate(input: Buffer, mutation: Mutation): Buffer {
  const text = input.toString('latin1');
  let out: string;
  switch (mutation.kind) {
    case 'drop':
    case 'duplicate':
    case 'pad': {
      const all = lines(input);
      const delimiters = all.map((l, i) => (isDelimiterish(l) ? i : -1)).filter((i) => i >= 0);
      if (!delimiters.length) return input;
      const i = delimiters[mutation.which % delimiters.length]!;
      const line = all[i]!;
      if (mutation.kind === 'drop') all.splice(i, 1);
      else if (mutation.kind === 'duplicate') all.splice(i, 0, line);
      else if (mutation.kind === 'pad') {
        const body = line.replace(/\r?\n$/, '');
        all[i] = body + mutation.padding + line.slice(body.length);
      }
      out = all.join('');
      break;
    }
    case 'lf':
      out = text.replace(/\r\n/g, '\n');
      break;
    case 'crlf':
      out = text.replace(/(?<!\r)\n/g, '\r\n');
      break;
    case 'mixed':
      out = lines(input)
        .map((l, i) => ((i + mutation.seed) % 3 === 0 ? l.replace(/\r\n$/, '\n') : (i + mutation.seed) % 3 === 1 ? l.replace(/(?<!\r)\n$/, '\r\n') : l))
        .join('');
      break;
    case 'truncate':
      out = text.slice(0, Math.floor(text.length * mutation.at));
      break;
  }
  return Buffer.from(out, 'latin1');
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('drop' as const, 'duplicate' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('pad' as const), which: fc.nat(), padding: fc.stringMatching(/^[ \t]{1,8}$/) }),
  fc.record({ kind: fc.constantFrom('lf' as const, 'crlf' as const) }),
  fc.record({ kind: fc.constant('mixed' as const), seed: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

describe('splitter against mailsplit on fuzzed mail', () => {
  const small = inputs.filter(([, b]) => b.length < 256 * 1024);

  it('agrees on mutated samples (delimiter lines dropped or doubled, padding, line endings, truncation)', async () => {
    let mutated = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: small.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const input = mutations.reduce(mutate, small[which]![1]);
        if (!input.equals(small[which]![1])) mutated++;
        await expectSameAsMailsplit(input);
      }),
      { numRuns: 400 },
    );
    // The property means nothing if the mutations did not change the inputs.
    expect(mutated).toBeGreaterThan(300);
  });
});

const TEXT_TYPES = ['text/plain', 'text/html', 'message/delivery-status'];

/** mailparser's attachment rule (createNode in mail-parser.js), applied to one of our leaves. */
function isMailparserAttachment(part: MimePart): boolean {
  const info = part.info;
  let disposition = info.disposition;
  if (disposition && disposition !== 'attachment' && disposition !== 'inline') disposition = 'attachment';
  const resolved = !disposition && !TEXT_TYPES.includes(info.mediaType) ? 'attachment' : disposition || 'inline';
  return !TEXT_TYPES.includes(info.mediaType) || resolved !== 'inline';
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Line breaks unified and non-ASCII dropped: charset guesses are not the splitter's business. */
const norm = (s: string) =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/[^\n\x20-\x7e]/g, '')
    .trim();

describe('splitter against mailparser', () => {
  // mailparser descends into an attached message shown inline; wmflow keeps every attached
  // message opaque, so those messages have no common ground for this comparison.
  const comparable = inputs.filter(([, input]) => {
    const m = parseMessageSync(input);
    return !m.parts().some((p) => p.mediaType === 'message/rfc822' && p.info.disposition === 'inline');
  });

  it('has messages to compare', () => {
    expect(comparable.length).toBeGreaterThanOrEqual(30);
  });

  it.each(comparable)('%s: the attachments and text body mailparser sees', async (_name, input) => {
    const m = parseMessageSync(input);
    const parsed = await simpleParser(input, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
    const leaves = m.parts().filter((p) => !p.multipart && !p.boundary);
    const attachments = leaves.filter(isMailparserAttachment);
    expect(attachments.map((p) => sha(decodeTransfer(p.rawBody(), p.info.transferEncoding)))).toEqual(parsed.attachments.map((a) => sha(a.content)));
    const texts = leaves.filter((p) => !isMailparserAttachment(p) && p.mediaType === 'text/plain' && !/^flowed$/i.test(p.info.params.format ?? ''));
    for (const part of texts) expect(norm(parsed.text || '')).toContain(norm(getText(part)));
    if (!texts.length && !leaves.some((p) => !isMailparserAttachment(p) && p.mediaType === 'text/plain')) expect(parsed.text || '').toBe('');
  });
});
