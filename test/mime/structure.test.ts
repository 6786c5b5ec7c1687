import { describe, expect, it } from 'vitest';
import { detectSecurity, findAttachments, findCalendarParts, findReaderBodies, findRelatedParts, parseMessage } from '../../lib/mime/index.js';
import { mail } from '../support/samples.js';

const complex = mail([
  'From: a@example.com',
  'Content-Type: multipart/mixed; boundary="m"',
  '',
  '--m',
  'Content-Type: multipart/alternative; boundary="a"',
  '',
  '--a',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'plain body',
  '--a',
  'Content-Type: multipart/related; boundary="r"; type="text/html"',
  '',
  '--r',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>html <img src="cid:logo@x"></p>',
  '--r',
  'Content-Type: image/png',
  'Content-ID: <logo@x>',
  'Content-Disposition: inline',
  '',
  'iVBORw0KGgo=',
  '--r--',
  '--a--',
  '--m',
  'Content-Type: application/pdf',
  'Content-Disposition: attachment; filename*0*=utf-8\'\'R%C3%A9sum%C3%A9; filename*1=".pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0=',
  '--m',
  'Content-Type: text/calendar; method=REQUEST; charset=utf-8',
  '',
  'BEGIN:VCALENDAR',
  'END:VCALENDAR',
  '--m',
  'Content-Type: message/rfc822',
  'Content-Disposition: attachment',
  '',
  'From: inner@example.org',
  'Content-Type: text/plain',
  '',
  'inner body that must never be treated as ours',
  '--m',
  'Content-Type: text/plain; name="notes.txt"',
  'Content-Disposition: attachment; filename="=?UTF-8?Q?N=C3=B6tes.txt?="',
  '',
  'a text attachment',
  '--m--',
  '',
]);

describe('structure queries', () => {
  it('finds the reader bodies: both halves of the alternative, the related root', async () => {
    const m = await parseMessage(complex);
    const bodies = findReaderBodies(m);
    expect(bodies.text?.path).toBe('1.1');
    expect(bodies.html?.path).toBe('1.2.1');
  });

  it('lists attachments with decoded names, including the attached message as one opaque part', async () => {
    const m = await parseMessage(complex);
    const atts = findAttachments(m).map((a) => [a.part.path, a.mediaType, a.filename]);
    expect(atts).toEqual([
      ['2', 'application/pdf', 'Résumé.pdf'],
      ['3', 'text/calendar', undefined],
      ['4', 'message/rfc822', undefined],
      ['5', 'text/plain', 'Nötes.txt'],
    ]);
  });

  it('finds related inline parts by cid and calendar parts', async () => {
    const m = await parseMessage(complex);
    expect(findRelatedParts(m).map((p) => [p.path, p.info.contentId])).toEqual([['1.2.2', 'logo@x']]);
    expect(findCalendarParts(m).map((p) => p.path)).toEqual(['3']);
  });

  it('never looks inside an attached message', async () => {
    const m = await parseMessage(complex);
    expect(m.parts().some((p) => p.headers.getFirst('from') === 'inner@example.org')).toBe(false);
    expect(m.findPart('4')!.multipart).toBe(false);
  });

  it('finds the body of a single-part message and none for an attachment-only one', async () => {
    const plain = await parseMessage(mail(['Subject: x', '', 'hello']));
    expect(findReaderBodies(plain).text?.path).toBe('');
    const pdf = await parseMessage(mail(['Content-Type: application/pdf', 'Content-Disposition: attachment; filename=a.pdf', '', 'JVBERi0=']));
    expect(findReaderBodies(pdf)).toEqual({ text: undefined, html: undefined });
    expect(findAttachments(pdf).map((a) => a.filename)).toEqual(['a.pdf']);
  });

  it('detects S/MIME and PGP signatures and encryption', async () => {
    const signed = await parseMessage(
      mail([
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary=s',
        '',
        '--s',
        'Content-Type: text/plain',
        '',
        'signed text',
        '--s',
        'Content-Type: application/pkcs7-signature; name=smime.p7s',
        '',
        'MIAG',
        '--s--',
        '',
      ]),
    );
    expect(detectSecurity(signed)).toEqual({ signed: true, encrypted: false, kinds: ['smime'] });
    expect(findReaderBodies(signed).text?.path).toBe('1');
    expect(findAttachments(signed)).toEqual([]);
    const enveloped = await parseMessage(
      mail(['Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m', 'Content-Transfer-Encoding: base64', '', 'MIAG']),
    );
    expect(detectSecurity(enveloped)).toEqual({ signed: false, encrypted: true, kinds: ['smime'] });
    const opaqueSigned = await parseMessage(mail(['Content-Type: application/x-pkcs7-mime; smime-type=signed-data', '', 'MIAG']));
    expect(detectSecurity(opaqueSigned).signed).toBe(true);
    const pgp = await parseMessage(
      mail([
        'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=p',
        '',
        '--p',
        'Content-Type: application/pgp-encrypted',
        '',
        'Version: 1',
        '--p',
        'Content-Type: application/octet-stream',
        '',
        '-----BEGIN PGP MESSAGE-----',
        '--p--',
        '',
      ]),
    );
    expect(detectSecurity(pgp)).toEqual({ signed: false, encrypted: true, kinds: ['pgp-mime'] });
    expect(findReaderBodies(pgp)).toEqual({ text: undefined, html: undefined });
    const inline = await parseMessage(mail(['Subject: x', '', '-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', 'text']));
    expect(detectSecurity(inline)).toEqual({ signed: true, encrypted: false, kinds: ['pgp-inline'] });
    const plain = await parseMessage(complex);
    expect(detectSecurity(plain)).toEqual({ signed: false, encrypted: false, kinds: [] });
  });
});

describe('headerAddresses', () => {
  it('extracts addresses from names with commas, encoded words, groups and several fields', async () => {
    const { headerAddresses } = await import('../../lib/mime/index.js');
    const m = await parseMessage(
      mail([
        'From: "Doe, Jane" <Jane.Doe@Example.com>',
        'To: =?UTF-8?Q?J=C3=BCrgen?= <j@example.org>, team: a@example.net, b@example.net;',
        'Cc: c@example.com (comment)',
        '',
        'x',
      ]),
    );
    expect(headerAddresses(m.headers, 'from')).toEqual(['jane.doe@example.com']);
    expect(headerAddresses(m.headers, 'to', 'cc')).toEqual(['j@example.org', 'a@example.net', 'b@example.net', 'c@example.com']);
    expect(headerAddresses(m.headers, 'bcc')).toEqual([]);
  });
});
