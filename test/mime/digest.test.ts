import { describe, expect, it } from 'vitest';
import { findAttachments, findReaderBodies, getText, parseMessage, type MimePart } from '../../lib/mime/index.js';
import { paymentCard } from '../../lib/redaction/detectors/payment-card.js';
import { disclaimerRule, redactRule } from '../../lib/rules/index.js';
import { run } from '../support/run.js';
import { mail } from '../support/samples.js';

/** A digest whose members have no Content-Type (RFC 2046 §5.1.5: they are message/rfc822). */
const digest = mail([
  'From: list@example.org',
  'To: user@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <d@example.org>',
  'Subject: Digest',
  'MIME-Version: 1.0',
  'Content-Type: multipart/digest; boundary="DG"',
  '',
  '--DG',
  '',
  'From: alice@example.org',
  'Subject: first post',
  'Message-ID: <p1@example.org>',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Hello café, card 4111 1111 1111 1111',
  '--DG',
  'Content-Description: second',
  '',
  'From: bob@example.org',
  'Subject: second post',
  '',
  'Second body',
  '--DG--',
  '',
]);

/** The bytes of a part (headers and body) as it serialises. */
function bytesOf(part: MimePart): Buffer {
  const chunks: Buffer[] = [];
  part.collect(chunks);
  return Buffer.concat(chunks);
}

async function leaf(contentTypeLines: string[], parentType = 'mixed') {
  const m = await parseMessage(
    mail(['Subject: x', `Content-Type: multipart/${parentType}; boundary=b`, '', '--b', ...contentTypeLines, '', 'body', '--b--', '']),
  );
  return m.root.children[0]!;
}

describe('Content-Type defaults', () => {
  it('a digest member without Content-Type is message/rfc822, also with other headers', async () => {
    const m = await parseMessage(digest);
    const [first, second] = m.root.children;
    expect(first!.info).toMatchObject({ mediaType: 'message/rfc822', typeSource: 'default' });
    expect(second!.info).toMatchObject({ mediaType: 'message/rfc822', typeSource: 'default' });
    expect(first!.isText).toBe(false);
    expect(findReaderBodies(m)).toEqual({ text: undefined, html: undefined });
    expect(findAttachments(m).map((a) => a.mediaType)).toEqual(['message/rfc822', 'message/rfc822']);
  });

  it('an explicit type in a digest is kept; the default elsewhere is text/plain', async () => {
    expect((await leaf(['Content-Type: text/plain; charset=utf-8'], 'digest')).info).toMatchObject({ mediaType: 'text/plain', typeSource: 'declared' });
    expect((await leaf([], 'mixed')).info).toMatchObject({ mediaType: 'text/plain', typeSource: 'default', charset: undefined });
    expect((await leaf([], 'mixed')).isText).toBe(true);
    // An attachment's default still comes from its file name or disposition.
    expect((await leaf(['Content-Disposition: attachment; filename=a.pdf'])).mediaType).toBe('application/pdf');
    expect((await leaf(['Content-Disposition: attachment'])).mediaType).toBe('application/octet-stream');
  });

  it.each(['text', 'text/', '/plain', 'text/plain/x', 'text plain', ''])(
    'an unparseable Content-Type %j is text/plain with no parameters (RFC 2045 §5.2, as Python reads it)',
    async (value) => {
      const part = await leaf([`Content-Type: ${value}; charset=utf-8; name=x.exe`]);
      expect(part.info).toMatchObject({ mediaType: 'text/plain', typeSource: 'invalid', charset: undefined, params: {} });
    },
  );

  it('message/* parts are opaque leaves, never text', async () => {
    for (const type of ['message/rfc822', 'message/global', 'message/delivery-status', 'message/partial; id=1; number=1']) {
      const part = await leaf([`Content-Type: ${type}`]);
      expect(part.multipart).toBe(false);
      expect(part.isText).toBe(false);
      expect(part.children).toEqual([]);
    }
  });
});

describe('digest members are never edited', () => {
  it('disclaimer and redaction leave every member byte for byte; the disclaimer gets its own part', async () => {
    const before = await parseMessage(digest);
    const members = before.root.children.map(bytesOf);
    const result = await run([disclaimerRule({ text: 'CONFIDENTIAL notice' }), redactRule({ detectors: [paymentCard], scopes: ['text', 'html'] })], digest);
    const after = await parseMessage(result.output);
    // Both members appear unchanged, in order, and the card number inside one is not touched.
    const afterMembers = after.root.children.filter((c) => c.mediaType === 'message/rfc822').map(bytesOf);
    expect(afterMembers.map((b) => b.toString('latin1'))).toEqual(members.map((b) => b.toString('latin1')));
    for (const member of members) expect(result.output.includes(member)).toBe(true);
    expect(result.output.includes(Buffer.from('4111 1111 1111 1111'))).toBe(true);
    expect(result.output.includes(Buffer.from('Hello café'))).toBe(true);
    // The disclaimer is a new first part, which is what a reader sees as the text.
    expect(getText(findReaderBodies(after).text!)).toBe('CONFIDENTIAL notice');
    expect(result.reports[1]).toMatchObject({ status: 'unchanged' });
    // And a second pass adds nothing.
    expect((await run([disclaimerRule({ text: 'CONFIDENTIAL notice' })], result.output)).changed).toBe(false);
  });
});
