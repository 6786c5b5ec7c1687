import { describe, expect, it } from 'vitest';
import { buildEvent, readEventHeaders } from '../../lib/emulator/message-event.js';
import { parseMessageFlowEvent } from '../../lib/workmail/event.js';
import { mail } from '../support/samples.js';

const onBehalf = mail(['From: Boss <Boss@partner.org>', 'Sender: assistant@partner.org', 'To: a@example.com', `Subject: ${'long '.repeat(80)}`, '', 'hi', '']);

describe('the event WorkMail sends', () => {
  it('has the documented shape, a sender only for mail sent on behalf of someone, and the subject cut at 256', () => {
    const e = buildEvent({ bytes: onBehalf, direction: 'INBOUND', mailFrom: 'bounces@partner.org', recipients: ['a@example.com', 'b@example.com'] }, 'msg-1');
    expect(parseMessageFlowEvent(e)).toEqual(e);
    expect(e).toMatchObject({
      summaryVersion: '2018-10-10',
      envelope: { mailFrom: { address: 'bounces@partner.org' }, recipients: [{ address: 'a@example.com' }, { address: 'b@example.com' }] },
      sender: { address: 'assistant@partner.org' },
      messageId: 'msg-1',
      flowDirection: 'INBOUND',
      truncated: false,
    });
    expect(e.subject).toBe('long '.repeat(80).trim().slice(0, 256));
    expect(e.invocationId).toMatch(/^[0-9a-f]{32}$/);
    const self = mail(['From: a@partner.org', 'Sender: A@Partner.org', 'Subject: x', '', '']);
    expect(buildEvent({ bytes: self, direction: 'INBOUND', mailFrom: '', recipients: [] }, 'm').sender).toBeUndefined();
  });

  it('decodes the subject and never splits a character when cutting it', () => {
    const emoji = mail([`Subject: =?UTF-8?B?${Buffer.from('😀'.repeat(300)).toString('base64')}?=`, 'From: a@b.org', '', '']);
    const subject = buildEvent({ bytes: emoji, direction: 'INBOUND', mailFrom: 'a@b.org', recipients: [] }, 'm').subject!;
    expect(Array.from(subject)).toEqual(Array(256).fill('😀'));
  });

  it('cuts the recipient list to keep the payload within 128 KB, and says so', () => {
    const recipients = Array.from({ length: 5000 }, (_, i) => `recipient-${i}@example.com`);
    const started = Date.now();
    const e = buildEvent({ bytes: onBehalf, direction: 'INBOUND', mailFrom: 'x@y.org', recipients }, 'm');
    expect(Date.now() - started).toBeLessThan(200);
    expect(e.truncated).toBe(true);
    const size = Buffer.byteLength(JSON.stringify(e));
    expect(size).toBeLessThanOrEqual(128 * 1024);
    expect(size).toBeGreaterThan(128 * 1024 - 40);
    expect(e.envelope.recipients.map((r) => r.address)).toEqual(recipients.slice(0, e.envelope.recipients.length));
  });

  it('reads the headers of mail whose body is broken', () => {
    const broken = mail([
      'From: "Sales" <sales@shop.example>',
      'Subject: =?ISO-8859-1?Q?Gr=FC=DFe?=',
      'Content-Type: multipart/mixed; boundary="never-closed"',
      '',
      '--never-closed',
      'Content-Type: text/plain',
      '',
      'x',
    ]);
    expect(readEventHeaders(broken)).toEqual({ from: 'sales@shop.example', sender: undefined, subject: 'Grüße' });
    expect(readEventHeaders(Buffer.from('no headers at all'))).toEqual({ from: undefined, sender: undefined, subject: undefined });
  });
});
