import { describe, expect, it } from 'vitest';
import { checkLineLengths, decodeTransfer, findLongLines, MimeError, parseMessage, reencodeForLineLimit } from '../../lib/mime/index.js';
import { mail } from '../support/samples.js';

describe('RFC 5321 line limit', () => {
  it('counts the CRLF: 998 octets of text is fine, 999 is not; bare LF counts as CRLF', () => {
    expect(findLongLines(Buffer.from(`${'a'.repeat(998)}\r\nb`))).toEqual([]);
    expect(findLongLines(Buffer.from(`x\r\n${'a'.repeat(999)}\r\n`))).toEqual([{ line: 2, offset: 3, octets: 1001 }]);
    expect(findLongLines(Buffer.from(`${'a'.repeat(999)}\n`))).toEqual([{ line: 1, offset: 0, octets: 1001 }]);
    expect(findLongLines(Buffer.from('a'.repeat(1200)))).toEqual([{ line: 1, offset: 0, octets: 1202 }]);
  });

  it('reports which part a long line is in, and re-encodes it without changing its content', async () => {
    const html = `<html><body>${'<td>cell</td>'.repeat(200)}</body></html>`;
    const input = mail([
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'short',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      html,
      '--b',
      'Content-Type: application/octet-stream',
      '',
      'z'.repeat(3000),
      '--b--',
      '',
    ]);
    const m = await parseMessage(input);
    expect(checkLineLengths(m).map((l) => [l.partPath, l.inHeader])).toEqual([
      ['2', false],
      ['3', false],
    ]);
    expect(reencodeForLineLimit(m.findPart('2')!)).toBe('quoted-printable');
    expect(reencodeForLineLimit(m.findPart('3')!)).toBe('base64');
    expect(checkLineLengths(m)).toEqual([]);
    const again = await parseMessage(m.toBuffer());
    expect(decodeTransfer(again.findPart('2')!.rawBody(), 'quoted-printable').toString()).toBe(html);
    expect(decodeTransfer(again.findPart('3')!.rawBody(), 'base64').toString()).toBe('z'.repeat(3000));
    expect(again.findPart('1')!.rawBody().toString()).toBe('short');
  });

  it('refuses to re-encode signed content or attached messages', async () => {
    const m = await parseMessage(
      mail([
        'Content-Type: multipart/signed; boundary=s',
        '',
        '--s',
        'Content-Type: text/plain',
        '',
        'x'.repeat(1200),
        '--s',
        'Content-Type: application/pkcs7-signature',
        '',
        'MIAG',
        '--s--',
        '',
      ]),
    );
    expect(() => reencodeForLineLimit(m.findPart('1')!)).toThrow(MimeError);
    const r = await parseMessage(mail(['Content-Type: message/rfc822', '', 'Subject: x', '', 'y'.repeat(1200)]));
    expect(() => reencodeForLineLimit(r.root)).toThrow(/message\/rfc822 cannot be re-encoded/);
  });

  it('reports long header lines as header lines', async () => {
    const m = await parseMessage(Buffer.from(`X-Long: ${'h'.repeat(1100)}\r\n\r\nbody\r\n`));
    expect(checkLineLengths(m)).toEqual([{ line: 1, offset: 0, octets: 1110, partPath: '', inHeader: true }]);
  });
});
