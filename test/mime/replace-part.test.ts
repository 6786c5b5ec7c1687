import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { parseMessage, replacePart } from '../../lib/mime/index.js';
import { mail } from '../support/samples.js';

const NEW = Buffer.from('Content-Type: text/plain\r\n\r\nnew part', 'latin1');

describe('replacePart', () => {
  it('swaps one part, keeping its delimiters and every other byte', async () => {
    const input = mail([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      'pre',
      '--b',
      'Content-Type: text/plain',
      '',
      'one',
      '--b ',
      'Content-Type: application/octet-stream',
      '',
      'two',
      '--b',
      '',
      'three',
      '--b--',
      'post',
      '',
    ]);
    const m = await parseMessage(input);
    const target = m.findPart('2')!;
    expect(await replacePart(m, target, NEW)).toBe(m);
    expect(m.toBuffer().toString()).toBe(
      input.toString().replace('Content-Type: application/octet-stream\r\n\r\ntwo', 'Content-Type: text/plain\r\n\r\nnew part'),
    );
    expect(m.changedParts()).toEqual(['message']);
    const parsed = await simpleParser(m.toBuffer());
    expect(parsed.text).toContain('new part');
  });

  it('adds a line break when the old part ended with its own (a part with headers only)', async () => {
    const input = mail([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'one',
      '--b',
      'Content-Type: application/x-empty',
      '',
      '--b--',
      '',
    ]);
    const m = await parseMessage(input);
    await replacePart(m, m.findPart('2')!, NEW);
    const again = await parseMessage(m.toBuffer());
    expect(again.root.children.map((c) => c.mediaType)).toEqual(['text/plain', 'text/plain']);
    expect(again.findPart('2')!.rawBody().toString()).toBe('new part');
  });
});
