import { describe, expect, it } from 'vitest';
import {
  findAttachments,
  findReaderBodies,
  getText,
  insertBodyPart,
  parseMessage,
  wrapAsAttachment,
  wrapInMixed,
  decodeTransfer,
  checkLineLengths,
} from '../../lib/mime/index.js';
import { allMessages, mail } from '../support/samples.js';

const pdfOnly = mail([
  'From: a@example.com',
  'To: b@example.org',
  'Subject: invoice',
  'MIME-Version: 1.0',
  'Content-Type: application/pdf; name="inv.pdf"',
  'Content-Disposition: attachment; filename="inv.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQKJcTl8uXrp/Og0MTGCg==',
  '',
]);

describe('adding structure', () => {
  it('wraps an attachment-only message in multipart/mixed with a new first text part', async () => {
    const m = await parseMessage(pdfOnly);
    const wrapped = await wrapInMixed(m, { text: 'Disclaimer', html: '<p>Disclaimer</p>' });
    expect(wrapped.modified).toBe(true);
    expect(wrapped.root.multipart).toBe('mixed');
    const bodies = findReaderBodies(wrapped);
    expect(getText(bodies.text!)).toBe('Disclaimer');
    expect(getText(bodies.html!)).toBe('<p>Disclaimer</p>');
    const [att] = findAttachments(wrapped);
    expect(att!.filename).toBe('inv.pdf');
    // The attachment's content headers and encoded body bytes are the original ones.
    expect(att!.part.headers.toBuffer().toString()).toBe(
      'Content-Type: application/pdf; name="inv.pdf"\r\nContent-Disposition: attachment; filename="inv.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
    );
    expect(att!.part.rawBody().toString()).toBe('JVBERi0xLjQKJcTl8uXrp/Og0MTGCg==\r\n');
    // Non-content top-level headers keep bytes and order.
    expect(wrapped.headers.list().map((f) => f.name)).toEqual(['From', 'To', 'Subject', 'MIME-Version', 'Content-Type']);
    expect(wrapped.toBuffer().toString()).toMatch(
      /^From: a@example.com\r\nTo: b@example.org\r\nSubject: invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart\/mixed;\r\n boundary="wmflow-[0-9a-f]{24}"\r\n\r\n/,
    );
  });

  it('inserts a body part first or last into a multipart, adding only that part and one delimiter', async () => {
    const input = mail(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: image/png', '', 'iVBO', '--b--', '']);
    const m = await parseMessage(input);
    await insertBodyPart(m, m.root, { text: 'first text' }, 'first');
    await insertBodyPart(m, m.root, { html: '<p>last</p>' }, 'last');
    const out = await parseMessage(m.toBuffer());
    expect(out.root.children.map((c) => c.mediaType)).toEqual(['text/plain', 'image/png', 'text/html']);
    expect(getText(out.root.children[0]!)).toBe('first text');
    const text = m.toBuffer().toString();
    expect(text.startsWith('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n')).toBe(true);
    expect(text).toContain('\r\n--b\r\nContent-Type: image/png\r\n\r\niVBO\r\n--b\r\nContent-Type: text/html');
    expect(text.endsWith('\r\n--b--\r\n')).toBe(true);
  });

  it('wraps a whole message as message/rfc822, keeping its top-level header fields and every byte inside', async () => {
    const signed = mail([
      'From: a@example.com',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'Message-ID: <1@example.com>',
      'Subject: signed',
      'MIME-Version: 1.0',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=s',
      '',
      '--s',
      'Content-Type: text/plain',
      '',
      'signed text',
      '--s',
      'Content-Type: application/pkcs7-signature',
      '',
      'MIAG',
      '--s--',
      '',
    ]);
    const m = await parseMessage(signed);
    const wrapped = await wrapAsAttachment(m, { text: 'This message was signed; the original is attached.' });
    expect(wrapped.headers.getFirst('message-id')).toBe('<1@example.com>');
    expect(wrapped.headers.getFirst('date')).toBe('Mon, 1 Jan 2024 00:00:00 +0000');
    expect(wrapped.headers.getFirst('content-type')).toMatch(/^multipart\/mixed;/);
    const [att] = findAttachments(wrapped);
    expect(att!.mediaType).toBe('message/rfc822');
    expect(att!.filename).toBe('original-message.eml');
    expect(decodeTransfer(att!.part.rawBody(), '').equals(signed)).toBe(true);
  });

  it.each(allMessages())('%s: wrapping as an attachment keeps the original byte for byte', async (_n, input) => {
    const m = await parseMessage(input);
    const wrapped = await wrapAsAttachment(m, { text: 'wrapped' });
    const att = findAttachments(wrapped).find((a) => a.mediaType === 'message/rfc822')!;
    expect(att.part.rawBody().equals(input)).toBe(true);
    // Only lines of the original can break the limit; the new structure never does.
    const originalLong = new Set(checkLineLengths(m).map((l) => l.octets));
    for (const l of checkLineLengths(wrapped)) expect(originalLong.has(l.octets)).toBe(true);
  });

  it('keeps bare LF style in new structure of a bare-LF message', async () => {
    const m = await parseMessage(Buffer.from('Subject: x\nContent-Type: application/pdf\n\nJVBE\n'));
    const wrapped = await wrapInMixed(m, { text: 'added' });
    expect(wrapped.toBuffer().includes('\r')).toBe(false);
  });
});

describe('appending to a multipart whose closing delimiter follows an inner one', () => {
  it('puts the new part before the outer closing delimiter', async () => {
    const { sample } = await import('../support/samples.js');
    const m = await parseMessage(sample('related-cid-images.eml'));
    await insertBodyPart(m, m.root, { text: 'appended' }, 'last');
    const out = await parseMessage(m.toBuffer());
    expect(out.root.children.map((c) => c.mediaType)).toEqual(['text/plain', 'multipart/related', 'text/plain']);
    expect(getText(out.root.children[2]!)).toBe('appended');
    expect(m.toBuffer().toString().trimEnd().endsWith('--alt-7f3e--')).toBe(true);
  });
});
