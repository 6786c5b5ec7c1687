import { describe, expect, it } from 'vitest';
import { HeaderBlock, MimeError, parseMessage } from '../../lib/mime/index.js';
import { diffWindow, partRanges } from '../support/byte-ranges.js';
import { allMessages, mail } from '../support/samples.js';

const block = () =>
  new HeaderBlock(
    mail([
      'Received: from a by b;',
      '\tMon, 1 Jan 2024 00:00:00 +0000',
      'Received: from c by d; Mon, 1 Jan 2024 00:00:01 +0000',
      'subject: =?UTF-8?B?R3LDvMOfZQ==?= and =?ISO-8859-1?Q?caf=E9?=',
      'From: "A" <a@example.com>',
      'X-Unknown-Charset: =?x-made-up?Q?abc?=',
      '',
      '',
    ]),
  );

describe('HeaderBlock reading', () => {
  it('reads case-insensitively, unfolds, and returns every occurrence in order', () => {
    const h = block();
    expect(h.get('RECEIVED')).toEqual(['from a by b;\tMon, 1 Jan 2024 00:00:00 +0000', 'from c by d; Mon, 1 Jan 2024 00:00:01 +0000']);
    expect(h.getFirst('Subject')).toBe('=?UTF-8?B?R3LDvMOfZQ==?= and =?ISO-8859-1?Q?caf=E9?=');
    expect(h.has('from')).toBe(true);
    expect(h.has('cc')).toBe(false);
    expect(h.getFirst('cc')).toBeUndefined();
    // The first of several, unfolded like get() reads it; rawFields keeps every field's bytes.
    expect(h.getFirst('received')).toBe('from a by b;\tMon, 1 Jan 2024 00:00:00 +0000');
    expect(h.rawFields('Received').map((r) => r.toString())).toEqual([
      'Received: from a by b;\r\n\tMon, 1 Jan 2024 00:00:00 +0000\r\n',
      'Received: from c by d; Mon, 1 Jan 2024 00:00:01 +0000\r\n',
    ]);
    expect(h.rawFields('cc')).toEqual([]);
  });

  it('decodes RFC 2047 words and leaves undecodable ones readable', () => {
    const h = block();
    expect(h.getDecoded('subject')).toEqual(['Grüße and café']);
    expect(h.getDecoded('x-unknown-charset')[0]).toContain('abc');
  });

  it('lists fields with names as written', () => {
    expect(
      block()
        .list()
        .map((f) => f.name),
    ).toEqual(['Received', 'Received', 'subject', 'From', 'X-Unknown-Charset']);
  });
});

describe('HeaderBlock editing', () => {
  it('set replaces the first occurrence in place, keeps its spelling, and drops later ones', () => {
    const h = block();
    h.set('Received', 'replaced');
    expect(h.get('received')).toEqual(['replaced']);
    expect(h.list()[0]!.raw.toString()).toBe('Received: replaced\r\n');
    h.set('SUBJECT', 'new');
    expect(h.list()[1]!.raw.toString()).toBe('subject: new\r\n');
  });

  it('add appends or prepends; remove counts; untouched fields keep their bytes', () => {
    const original = mail(['A: 1', 'B:  two  spaces', '\tfolded', 'C: 3', '', '']);
    const h = new HeaderBlock(original);
    h.add('X-Tag', 'yes');
    h.add('X-First', 'top', { prepend: true });
    expect(h.remove('c')).toBe(1);
    expect(h.remove('nope')).toBe(0);
    expect(h.toBuffer().toString()).toBe('X-First: top\r\nA: 1\r\nB:  two  spaces\r\n\tfolded\r\nX-Tag: yes\r\n\r\n');
    expect(h.changed).toBe(true);
  });

  it('writes new fields with the block line ending (bare LF stays bare LF)', () => {
    const h = new HeaderBlock(Buffer.from('A: 1\nB: 2\n\n'));
    h.add('X-New', 'value');
    expect(h.toBuffer().toString()).toBe('A: 1\nB: 2\nX-New: value\n\n');
  });

  it('adds a line break to a last field that had none (header-only message)', () => {
    const h = new HeaderBlock(Buffer.from('From: a@example.com\r\nSubject: x'));
    h.add('X-New', '1');
    expect(h.toBuffer().toString()).toBe('From: a@example.com\r\nSubject: x\r\nX-New: 1\r\n');
  });

  it('RFC 2047-encodes non-ASCII values and folds at 78 columns where possible', () => {
    const h = new HeaderBlock(Buffer.from('A: 1\r\n\r\n'));
    const value = 'Grüße aus dem schönen Köln, mit vielen Wörtern, damit die Zeile gefaltet werden muss – bitte sehr';
    h.add('Subject', value);
    const raw = h.list()[1]!.raw.toString('latin1');
    expect(raw).toMatch(/=\?UTF-8\?Q\?/);
    expect(raw).not.toMatch(/[^\x00-\x7f]/);
    for (const line of raw.split('\r\n').filter(Boolean)) expect(line.length).toBeLessThanOrEqual(78);
    expect(h.getDecoded('subject')[0]).toBe(value);
  });

  it('never writes a line over 998 octets, even for an unbreakable value', () => {
    const h = new HeaderBlock(Buffer.from('A: 1\r\n\r\n'));
    const token = 'x'.repeat(5000);
    h.add('X-Long', token);
    const raw = h.list()[1]!.raw.toString('latin1');
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(h.getDecoded('x-long')[0]).toBe(token);
  });

  it('cannot be used to inject a header through a line break', () => {
    const h = new HeaderBlock(Buffer.from('A: 1\r\n\r\n'));
    h.add('X-Note', 'hello\r\nBcc: victim@example.com');
    expect(h.has('bcc')).toBe(false);
    expect(h.getFirst('x-note')).toBe('hello Bcc: victim@example.com');
  });

  it('rejects invalid field names with a typed error', () => {
    const h = new HeaderBlock(Buffer.from('A: 1\r\n\r\n'));
    expect(() => h.add('Bad Name', 'x')).toThrow(MimeError);
    expect(() => h.add('Bad:Name', 'x')).toThrow(/invalid header name/);
    expect(() => h.add('X-Raw', 'Grüße', { raw: true })).toThrow(/printable ASCII/);
  });
});

describe('edits are local', () => {
  it.each(allMessages())('%s: a top-level header edit changes only the header block', async (_name, input) => {
    const message = await parseMessage(input);
    const headerEnd = partRanges(message).get('')!.headerEnd;
    message.headers.add('X-Wmflow-Test', 'stamped');
    const output = message.toBuffer();
    const window = diffWindow(input, output)!;
    expect(window).not.toBeNull();
    // Nothing outside the header block moved: the change is an insertion before its end.
    expect(window.endBefore).toBeLessThanOrEqual(headerEnd);
    expect(output.subarray(window.endAfter).equals(input.subarray(window.endBefore))).toBe(true);
    expect(output.subarray(0, window.start).equals(input.subarray(0, window.start))).toBe(true);
    expect(message.changedParts()).toEqual(['message']);
  });
});
