import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/index.js';
import { actionRule, headerRule, subjectTagRule } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { diffWindow } from '../support/byte-ranges.js';
import { run } from '../support/run.js';
import { allMessages, mail } from '../support/samples.js';

const base = mail([
  'Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000',
  'From: a@example.org',
  'Subject: Re: Quarterly numbers',
  'X-Old: 1',
  '',
  'body',
  '',
]);

describe('header rule', () => {
  it('adds, sets and removes with templates, leaving other header bytes alone', async () => {
    const rule = headerRule({
      operations: [
        { op: 'add', name: 'X-Wmflow-Direction', value: '{{direction}} for {{recipients}}' },
        { op: 'set', name: 'X-Old', value: '2' },
        { op: 'remove', name: 'X-Missing' },
      ],
    });
    const result = await run([rule], base);
    expect(result.output.toString()).toBe(
      'Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: a@example.org\r\nSubject: Re: Quarterly numbers\r\nX-Old: 2\r\nX-Wmflow-Direction: inbound for user@example.com\r\n\r\nbody\r\n',
    );
    expect(result.reports[0]!.changes).toEqual(['added X-Wmflow-Direction', 'set X-Old']);
    expect((await run([rule], result.output)).changed).toBe(false);
  });

  it('refuses immutable and unique headers at construction with a clear error', () => {
    expect(() => headerRule({ operations: [{ op: 'set', name: 'Message-ID', value: 'x' }] }, WORKMAIL_PLATFORM)).toThrow(
      /operations\[0\]: cannot set Message-ID: Message-ID is immutable/,
    );
    expect(() => headerRule({ operations: [{ op: 'add', name: 'Subject', value: 'x' }] })).toThrow(/may appear only once/);
    expect(() => headerRule({ operations: [{ op: 'set', name: 'Content-Type', value: 'text/plain' }] })).toThrow(/MIME structure/);
    // Immutability is WorkMail's rule: the platform-neutral engine lets other flows set Message-ID.
    expect(() => headerRule({ operations: [{ op: 'set', name: 'Message-ID', value: '<x@y>' }] })).not.toThrow();
  });
});

describe('subject-tag rule', () => {
  const tag = subjectTagRule({ tag: '[EXTERNAL]' });

  it('tags before Re: and never twice, also after Re:/Fwd:', async () => {
    const once = await run([tag], base);
    expect((await parseMessage(once.output)).headers.getDecoded('subject')).toEqual(['[EXTERNAL] Re: Quarterly numbers']);
    expect((await run([tag], once.output)).changed).toBe(false);
    for (const subject of ['RE: [EXTERNAL] Quarterly', 'Fwd: Re: [external] Quarterly', 'AW: WG: [EXTERNAL] x']) {
      const r = await run([tag], mail([`Subject: ${subject}`, '', 'x']));
      expect(r.changed).toBe(false);
    }
  });

  it('reads the full subject from the header, keeps RFC 2047 encoding correct, truncates nothing', async () => {
    const long = `Grüße ${'sehr lange Betreffzeile '.repeat(20)}Ende`;
    const encoded = `=?UTF-8?B?${Buffer.from(long).toString('base64')}?=`;
    const r = await run([tag], mail([`Subject: ${encoded}`, '', 'x']));
    const m = await parseMessage(r.output);
    expect(m.headers.getDecoded('subject')).toEqual([`[EXTERNAL] ${long}`]);
    const raw = m.headers.list()[0]!.raw.toString('latin1');
    expect(raw).not.toMatch(/[^\x00-\x7f]/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('supports suffixes and messages without a subject', async () => {
    const r = await run([subjectTagRule({ tag: '(ext)', position: 'suffix' })], base);
    expect((await parseMessage(r.output)).headers.getDecoded('subject')).toEqual(['Re: Quarterly numbers (ext)']);
    const none = await run([tag], mail(['From: a@example.org', '', 'x']));
    expect((await parseMessage(none.output)).headers.getDecoded('subject')).toEqual(['[EXTERNAL]']);
  });

  it.each(allMessages())('%s: changes only the header block, idempotently', async (_n, input) => {
    const first = await run([tag], input);
    const second = await run([tag], first.output);
    expect(second.output.equals(first.output)).toBe(true);
    const headerEnd = (await parseMessage(input)).headers.byteLength;
    const w = diffWindow(input, first.output);
    if (w) expect(w.endBefore).toBeLessThanOrEqual(headerEnd);
  });
});

describe('action rule', () => {
  it('asks for an action for all or matching recipients, skipping types the direction lacks', async () => {
    const bounce = await run([actionRule({ action: 'BOUNCE', bounceMessage: 'nope', recipients: ['*.example.com'] })], base, {
      recipients: ['x@example.com', 'y@sub.example.com', 'z@other.org'],
    });
    expect(bounce.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'nope', recipients: ['x@example.com', 'y@sub.example.com'] }]);
    const junk = await run([actionRule({ action: 'MOVE_TO_JUNK' })], base, { direction: 'OUTBOUND', platform: WORKMAIL_PLATFORM });
    expect(junk.actions).toEqual([]);
    expect(junk.reports[0]).toMatchObject({ status: 'skipped', reason: 'MOVE_TO_JUNK is not available for outbound mail on WorkMail' });
    // A platform that has junk for outbound mail (an SMTP filter adds a header) gets it.
    const generic = await run([actionRule({ action: 'MOVE_TO_JUNK' })], base, { direction: 'OUTBOUND' });
    expect(generic.actions).toEqual([{ type: 'MOVE_TO_JUNK' }]);
  });
});
