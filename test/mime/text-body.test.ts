import iconv from 'iconv-lite';
import Encoding from 'encoding-japanese';
import { describe, expect, it } from 'vitest';
import { findLongLines, getText, MimeError, parseMessage, readText, setText } from '../../lib/mime/index.js';
import { diffWindow, partRanges } from '../support/byte-ranges.js';
import { mail } from '../support/samples.js';

async function single(headers: string[], body: Buffer | string, eol = '\r\n') {
  const bytes = Buffer.concat([Buffer.from([...headers, '', ''].join(eol)), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  return parseMessage(bytes);
}

describe('reading text', () => {
  it.each([
    ['7bit', '7bit', 'plain text\r\n', 'us-ascii', 'plain text\r\n'],
    ['8bit utf-8', '8bit', Buffer.from('Grüße\r\n'), 'utf-8', 'Grüße\r\n'],
    ['binary', 'binary', Buffer.from('Grüße'), 'utf-8', 'Grüße'],
    ['quoted-printable', 'quoted-printable', 'Gr=C3=BC=C3=9Fe, soft=\r\nbreak\r\n', 'utf-8', 'Grüße, softbreak\r\n'],
    ['base64', 'base64', `${Buffer.from('Grüße\r\n').toString('base64')}\r\n`, 'utf-8', 'Grüße\r\n'],
    ['odd-case CTE with junk', 'Quoted-Printable (comment)', 'caf=C3=A9', 'utf-8', 'café'],
  ])('%s', async (_n, cte, body, charset, expected) => {
    const m = await single([`Content-Type: text/plain; charset=${charset}`, `Content-Transfer-Encoding: ${cte}`], body);
    expect(getText(m.root)).toBe(expected);
  });

  it('decodes ISO-8859-1 (as windows-1252), Shift_JIS and ISO-2022-JP', async () => {
    const latin = await single(['Content-Type: text/plain; charset=iso-8859-1'], Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80]));
    expect(getText(latin.root)).toBe('café €');
    const sjis = await single(
      ['Content-Type: text/plain; charset=Shift_JIS', 'Content-Transfer-Encoding: base64'],
      iconv.encode('日本語のテキスト', 'shift_jis').toString('base64'),
    );
    expect(getText(sjis.root)).toBe('日本語のテキスト');
    const jis = Buffer.from(Encoding.convert(Encoding.stringToCode('こんにちは'), { to: 'JIS', from: 'UNICODE' }));
    const m = await single(['Content-Type: text/plain; charset="ISO-2022-JP"', 'Content-Transfer-Encoding: 7bit'], jis);
    expect(getText(m.root)).toBe('こんにちは');
  });

  it('falls back sensibly on unknown or wrong charsets, never throwing', async () => {
    const unknownUtf8 = await single(['Content-Type: text/plain; charset=unknown-8bit'], Buffer.from('Grüße'));
    expect(readText(unknownUtf8.root)).toMatchObject({ text: 'Grüße', charset: 'utf-8', exact: false });
    const unknownLatin = await single(['Content-Type: text/plain; charset=x-made-up'], Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]));
    expect(readText(unknownLatin.root)).toMatchObject({ text: 'Grüße', charset: 'windows-1252', exact: false });
    const asciiLying = await single(['Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit'], Buffer.from('naïve'));
    expect(getText(asciiLying.root)).toBe('naïve');
    const none = await single([], 'no content-type at all');
    expect(getText(none.root)).toBe('no content-type at all');
  });

  it('refuses a non-text part with a typed error naming it', async () => {
    const m = await parseMessage(mail(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: image/png', '', 'x', '--b--', '']));
    expect(() => getText(m.root.children[0]!)).toThrow(MimeError);
    expect(() => getText(m.root.children[0]!)).toThrow(/part 1 is image\/png, not a text part/);
  });
});

describe('replacing text', () => {
  it('keeps a charset that represents the new text and a 7bit encoding when still valid', async () => {
    const m = await single(['Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit'], 'hello\r\n');
    expect(setText(m.root, 'hello\nworld\n')).toEqual({ charset: 'us-ascii', transferEncoding: '7bit' });
    expect(m.toBuffer().toString()).toBe('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nhello\r\nworld\r\n');
  });

  it('switches to UTF-8 when the charset cannot represent the text, and to QP when 8-bit', async () => {
    const m = await single(
      ['Content-Type: text/plain; charset=iso-8859-1; format=flowed', 'Content-Transfer-Encoding: 8bit'],
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    );
    expect(setText(m.root, 'café au lait for everyone ✓')).toEqual({ charset: 'utf-8', transferEncoding: 'quoted-printable' });
    expect(m.headers.getFirst('content-type')).toBe('text/plain; charset=utf-8; format=flowed');
    expect(m.headers.getFirst('content-transfer-encoding')).toBe('quoted-printable');
    const again = await parseMessage(m.toBuffer());
    expect(getText(again.root)).toBe('café au lait for everyone ✓');
  });

  it('keeps ISO-8859-1 when the new text fits it', async () => {
    const m = await single(['Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: quoted-printable'], 'caf=E9');
    expect(setText(m.root, 'café crème')).toEqual({ charset: 'iso-8859-1', transferEncoding: 'quoted-printable' });
    expect(m.toBuffer().toString()).toContain('caf=E9 cr=E8me');
    expect(m.headers.getFirst('content-type')).toBe('ISO-8859-1'.length && 'text/plain; charset=ISO-8859-1');
  });

  it('chooses base64 for mostly non-ASCII text and keeps ISO-2022-JP when it fits', async () => {
    const m = await single(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'], Buffer.from('x'));
    expect(setText(m.root, '日本語のテキストです。'.repeat(20)).transferEncoding).toBe('base64');
    const jis = Buffer.from(Encoding.convert(Encoding.stringToCode('こんにちは'), { to: 'JIS', from: 'UNICODE' }));
    const j = await single(['Content-Type: text/plain; charset=ISO-2022-JP', 'Content-Transfer-Encoding: 7bit'], jis);
    expect(setText(j.root, 'こんにちは\r\n--\r\nDisclaimer').charset).toBe('iso-2022-jp');
    expect(getText((await parseMessage(j.toBuffer())).root)).toBe('こんにちは\r\n--\r\nDisclaimer');
  });

  it('never writes lines over 76 characters or 8-bit bytes when it re-encodes', async () => {
    const m = await single(['Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit'], Buffer.from('<p>x</p>'));
    const html = `<html><body>${'<td>Grüße</td>'.repeat(400)}</body></html>`;
    setText(m.root, html);
    const body = m.toBuffer().subarray(m.headers.byteLength);
    expect(findLongLines(body, 78)).toEqual([]);
    expect(body.every((b) => b < 0x80)).toBe(true);
    expect(getText((await parseMessage(m.toBuffer())).root)).toBe(html);
  });

  it('keeps format=flowed soft breaks (trailing spaces) through quoted-printable', async () => {
    const m = await single(['Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes', 'Content-Transfer-Encoding: 8bit'], Buffer.from('x'));
    const flowed = 'This paragraph is flowed and its first line ends in a space \r\nso that it joins the next line — ünïcode.\r\n> quoted \r\n> text\r\n';
    setText(m.root, flowed);
    expect(m.headers.getFirst('content-type')).toContain('format=flowed; delsp=yes');
    expect(getText((await parseMessage(m.toBuffer())).root)).toBe(flowed);
  });

  it('writes bare LF bodies in a bare-LF message', async () => {
    const m = await single(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], 'a\nb\n', '\n');
    setText(m.root, 'Grüße\nzwei\n');
    const out = m.toBuffer().toString('latin1');
    expect(out).not.toContain('\r');
    expect(out.endsWith('Gr=C3=BC=C3=9Fe\nzwei\n')).toBe(true);
  });

  it('changes nothing outside the edited part', async () => {
    const input = mail([
      'From: a@example.com',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'preamble',
      '--outer',
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 7bit',
      '',
      'Hello',
      '--alt',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Hello</p>',
      '--alt--',
      '',
      '--outer',
      'Content-Type: application/pdf; name=a.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      '--outer--',
      'epilogue',
    ]);
    const m = await parseMessage(input);
    const target = m.findPart('1.1')!;
    const range = partRanges(m).get('1.1')!;
    setText(target, 'Hello — with a disclaimer');
    const out = m.toBuffer();
    const w = diffWindow(input, out)!;
    expect(w.start).toBeGreaterThanOrEqual(range.start);
    expect(w.endBefore).toBeLessThanOrEqual(range.end);
    expect(m.changedParts()).toEqual(['part 1.1']);
  });
});

describe('a message with headers only', () => {
  it('gets the blank line that separates headers from a new body', async () => {
    const m = await parseMessage(Buffer.from('From: a@example.com\r\nSubject: x'));
    setText(m.root, 'now with a body');
    expect(m.toBuffer().toString()).toBe('From: a@example.com\r\nSubject: x\r\n\r\nnow with a body');
    expect(getText((await parseMessage(m.toBuffer())).root)).toBe('now with a body');
  });
});
