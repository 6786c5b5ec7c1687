import iconv from 'iconv-lite';
import libqp from 'libqp';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  appendText,
  decodesLosslessly,
  findBareLineBreaks,
  findLongLines,
  insertTextAt,
  MimeError,
  parseMessage,
  type MimePart,
} from '../../lib/mime/index.js';

const HEAD = ['From: a@example.org', 'To: b@example.com', 'Subject: t', 'MIME-Version: 1.0'];

/** A single-part message: headers, blank line, then the raw body bytes as given. */
function message(contentType: string, cte: string | undefined, body: Buffer | string, eol = '\r\n'): Buffer {
  const headers = [...HEAD, `Content-Type: ${contentType}`, ...(cte ? [`Content-Transfer-Encoding: ${cte}`] : [])];
  return Buffer.concat([Buffer.from(headers.join(eol) + eol + eol, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
}

/** The raw body of the (single-part) message as serialised now. */
function rawBodyOf(out: Buffer): Buffer {
  const sep = out.indexOf('\r\n\r\n') >= 0 ? out.indexOf('\r\n\r\n') + 4 : out.indexOf('\n\n') + 2;
  return out.subarray(sep);
}

/** Content bytes of a raw body (independent of lib/mime: libqp / Buffer). */
function contentBytes(raw: Buffer, cte: string): Buffer {
  if (cte === 'quoted-printable') return libqp.decode(raw);
  if (cte === 'base64') return Buffer.from(raw.toString('latin1'), 'base64');
  return raw;
}

async function edit(input: Buffer, fn: (part: MimePart) => unknown) {
  const m = await parseMessage(input);
  const result = fn(m.root);
  return { result, out: m.toBuffer(), m };
}

const DISCLAIMER = 'Disclaimer: this mail is confidential.';

describe('appendText: identity bodies', () => {
  it('bottom: the original body stays verbatim and the disclaimer follows with the body line ending', async () => {
    const body = 'Hello there,\r\nsecond line\r\n';
    const input = message('text/plain; charset=utf-8', '7bit', body);
    const { result, out } = await edit(input, (p) => appendText(p, DISCLAIMER, 'bottom', { paragraph: true }));
    expect(result).toEqual({ strategy: 'spliced', charset: 'utf-8', transferEncoding: '7bit' });
    // Everything up to the end of the original is byte-identical; only bytes were added.
    expect(out.subarray(0, input.length).equals(input)).toBe(true);
    expect(out.subarray(input.length).toString('latin1')).toBe(`\r\n${DISCLAIMER}\r\n`);
    expect((await simpleParser(out)).text).toBe(`Hello there,\nsecond line\n\n${DISCLAIMER}\n`);
  });

  it('top: prepends, original bytes verbatim after it; a bare-LF message gets LF line ends', async () => {
    const input = message('text/plain', undefined, 'line one\nline two\n', '\n');
    const { result, out } = await edit(input, (p) => appendText(p, 'NOTICE', 'top', { paragraph: true }));
    expect(result).toMatchObject({ strategy: 'spliced', charset: 'us-ascii' });
    expect(out.toString('latin1').endsWith('\n\nNOTICE\n\nline one\nline two\n')).toBe(true);
    expect(out.includes('\r')).toBe(false);
    expect((await simpleParser(out)).text).toBe('NOTICE\n\nline one\nline two\n');
  });

  it('Latin-1 bytes labelled utf-8 keep their bytes exactly (Café stays 43 61 66 E9)', async () => {
    const body = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0xe8, 0x6d, 0x65, 0x0d, 0x0a]);
    const input = message('text/plain; charset=utf-8', '8bit', body);
    const { result, out } = await edit(input, (p) => appendText(p, DISCLAIMER, 'bottom', { paragraph: true }));
    expect(result).toMatchObject({ strategy: 'spliced', charset: 'utf-8', transferEncoding: '8bit' });
    const raw = rawBodyOf(out);
    expect(raw.subarray(0, body.length).equals(body)).toBe(true);
    expect([...raw.subarray(0, 4)]).toEqual([0x43, 0x61, 0x66, 0xe9]);
    expect(out.includes(Buffer.from('\ufffd'))).toBe(false);
  });

  it('a non-ASCII addition to a 7bit body switches to quoted-printable of the same content bytes', async () => {
    const input = message('text/plain; charset=utf-8', '7bit', 'plain ascii\r\n');
    const { result, out } = await edit(input, (p) => appendText(p, 'Grüße ✓', 'bottom', { paragraph: true }));
    expect(result).toEqual({ strategy: 'spliced', charset: 'utf-8', transferEncoding: 'quoted-printable' });
    expect(out.every((b) => b < 0x80)).toBe(true);
    expect((await simpleParser(out)).text).toBe('plain ascii\n\nGrüße ✓\n');
  });

  it('an unknown charset label takes an ASCII addition without touching its 8-bit bytes', async () => {
    const body = Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]);
    const input = message('text/plain; charset=unknown-8bit', '8bit', body);
    const { result, out } = await edit(input, (p) => appendText(p, DISCLAIMER, 'bottom', { paragraph: true }));
    expect(result).toMatchObject({ strategy: 'spliced', charset: 'unknown-8bit' });
    expect(rawBodyOf(out).equals(Buffer.concat([body, Buffer.from(`\r\n${DISCLAIMER}\r\n`)]))).toBe(true);
  });
});

describe('appendText: quoted-printable bodies', () => {
  // [name, raw body, how the last line ends]
  const cases: [string, string][] = [
    ['a hard line break', 'Caf=C3=A9 au lait\r\n'],
    ['a soft line break', 'Caf=C3=A9 au =\r\n'],
    ['no line break', 'Caf=C3=A9 au lait'],
    ['a dangling "="', 'Caf=C3=A9 au lait='],
    ['a full 76-character unterminated line', `${'x'.repeat(70)}=C3=A9`],
  ];
  it.each(cases)('ending in %s: original bytes verbatim, decodes to original + addition', async (_n, body) => {
    for (const paragraph of [true, false]) {
      const input = message('text/plain; charset=utf-8', 'quoted-printable', body);
      const before = libqp.decode(Buffer.from(body, 'latin1')).toString('utf8');
      const { result, out } = await edit(input, (p) => appendText(p, 'Grüße — signed', 'bottom', { paragraph }));
      expect(result).toMatchObject({ strategy: 'spliced', transferEncoding: 'quoted-printable' });
      const raw = rawBodyOf(out);
      const after = libqp.decode(raw).toString('utf8');
      if (paragraph) {
        const sep = /\r\n$/.test(before) ? '\r\n' : '\r\n\r\n';
        expect(after).toBe(`${before}${sep}Grüße — signed\r\n`);
      } else {
        expect(after).toBe(`${before}Grüße — signed`);
      }
      // Every original raw byte is there, in place, unless the last line itself was full
      // (then only that line is re-encoded).
      if (body.length % 76 !== 0 || paragraph)
        expect(raw.subarray(0, body.replace(/=$/, '').length).equals(Buffer.from(body.replace(/=$/, ''), 'latin1'))).toBe(true);
      expect(findLongLines(raw, 78)).toEqual([]);
      expect(findBareLineBreaks(out)).toMatchObject({ bareCr: 0, bareLf: 0 });
    }
  });

  it('top: the addition is prepended; the original raw body follows verbatim', async () => {
    const body = '-- a line starting with dashes=\r\n and more\r\n';
    const input = message('text/plain; charset=iso-8859-1', 'quoted-printable', body);
    const { result, out } = await edit(input, (p) => appendText(p, 'Café notice', 'top', { paragraph: true }));
    expect(result).toEqual({ strategy: 'spliced', charset: 'iso-8859-1', transferEncoding: 'quoted-printable' });
    const raw = rawBodyOf(out);
    expect(raw.toString('latin1').endsWith(body)).toBe(true);
    expect(raw.toString('latin1').startsWith('Caf=E9 notice\r\n\r\n')).toBe(true);
    expect((await simpleParser(out)).text).toBe('Café notice\n\n-- a line starting with dashes and more\n');
  });

  it('mailparser reads original + disclaimer (independent oracle) on a multi-line body', async () => {
    const text = `${'Der schnelle braune Fuchs springt über den faulen Hund. '.repeat(5)}\r\nZweite Zeile`;
    const body = libqp.wrap(libqp.encode(Buffer.from(text)), 76);
    const input = message('text/plain; charset=utf-8', 'quoted-printable', body);
    const { out } = await edit(input, (p) => appendText(p, DISCLAIMER, 'bottom', { paragraph: true }));
    expect(rawBodyOf(out).subarray(0, body.length).toString('latin1')).toBe(body);
    expect((await simpleParser(out)).text).toBe(`${text.replace(/\r\n/g, '\n')}\n\n${DISCLAIMER}\n`);
  });
});

describe('appendText: base64 bodies', () => {
  it('re-encodes as bytes: decodes to the original bytes followed by the addition bytes', async () => {
    // Latin-1 bytes labelled utf-8, base64: the bytes must survive (no string round trip).
    const original = Buffer.concat([Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from('\r\n'), Buffer.from('x'.repeat(200))]);
    const input = message('text/plain; charset=utf-8', 'base64', `${original.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`);
    const { result, out } = await edit(input, (p) => appendText(p, 'Grüße', 'bottom', { paragraph: true }));
    expect(result).toEqual({ strategy: 'spliced', charset: 'utf-8', transferEncoding: 'base64' });
    const decoded = contentBytes(rawBodyOf(out), 'base64');
    expect(decoded.equals(Buffer.concat([original, Buffer.from('\r\n\r\nGrüße\r\n', 'utf8')]))).toBe(true);
    expect(findLongLines(rawBodyOf(out), 78)).toEqual([]);
  });

  it('top of a UTF-8 body with a BOM goes after the BOM', async () => {
    const original = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('body\r\n')]);
    const input = message('text/plain; charset=utf-8', 'base64', original.toString('base64'));
    const { out } = await edit(input, (p) => appendText(p, 'TOP', 'top', { paragraph: true }));
    expect(contentBytes(rawBodyOf(out), 'base64').equals(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('TOP\r\n\r\nbody\r\n')]))).toBe(true);
  });
});

describe('appendText: UTF-16 and UTF-32', () => {
  const utf16qp = (text: string) => {
    // How the defect reproducer is written: every byte escaped except ASCII letters, hard CRLF at the end.
    const bytes = iconv.encode(text, 'utf-16le');
    let qp = '';
    for (const b of bytes) qp += b >= 0x41 && b <= 0x7a && b !== 0x5c ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    return `${libqp.wrap(qp, 76)}\r\n`;
  };

  it('UTF-16LE in quoted-printable: no bare CR or LF, decodes to original + disclaimer', async () => {
    const original = 'Hello world\r\nSecond line\r\n';
    const input = message('text/plain; charset=utf-16le', 'quoted-printable', utf16qp(original));
    const { result, out } = await edit(input, (p) => appendText(p, DISCLAIMER, 'bottom', { paragraph: true }));
    expect(result).toEqual({ strategy: 'spliced', charset: 'utf-16le', transferEncoding: 'quoted-printable' });
    expect(findBareLineBreaks(out)).toMatchObject({ bareCr: 0, bareLf: 0 });
    // Independent decoders: libqp + iconv-lite, and mailparser.
    expect(iconv.decode(libqp.decode(rawBodyOf(out)), 'utf-16le')).toBe(`${original}\r\n${DISCLAIMER}\r\n`);
    expect((await simpleParser(out)).text).toBe(`${original}\r\n${DISCLAIMER}\r\n`.replace(/\r\n/g, '\n'));
    expect(findLongLines(rawBodyOf(out), 78)).toEqual([]);
  });

  it('UTF-16 with a BOM (charset=utf-16, base64): top goes after the BOM, in its byte order', async () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('Grüße\r\n', 'utf-16be')]);
    const input = message('text/plain; charset=utf-16', 'base64', bytes.toString('base64'));
    const { result, out } = await edit(input, (p) => appendText(p, 'Oben', 'top', { paragraph: true }));
    expect(result).toMatchObject({ strategy: 'spliced', charset: 'utf-16' });
    const decoded = contentBytes(rawBodyOf(out), 'base64');
    expect(decoded.equals(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('Oben\r\n\r\nGrüße\r\n', 'utf-16be')]))).toBe(true);
  });

  it('UTF-16 in 8bit (bare CR/LF octets already) becomes base64 rather than add more', async () => {
    const input = message('text/plain; charset=utf-32le', '8bit', iconv.encode('x\r\n', 'utf-32le'));
    const before = findBareLineBreaks(input);
    const { result, out } = await edit(input, (p) => appendText(p, 'more', 'bottom', { paragraph: true }));
    expect(result).toEqual({ strategy: 'spliced', charset: 'utf-32le', transferEncoding: 'base64' });
    expect(findBareLineBreaks(out).bareCr + findBareLineBreaks(out).bareLf).toBeLessThan(before.bareCr + before.bareLf);
    expect(iconv.decode(contentBytes(rawBodyOf(out), 'base64'), 'utf-32le')).toBe('x\r\n\r\nmore\r\n');
  });

  it('UTF-16 without a BOM or byte order in its name is never spliced by guessing the order', async () => {
    const msg = message('text/plain; charset=utf-16', 'base64', iconv.encode('Hi', 'utf-16le').toString('base64'));
    const { result, out } = await edit(msg, (p) => appendText(p, 'x', 'bottom'));
    expect(result).toMatchObject({ strategy: 'separate-part' });
    expect((result as { reason: string }).reason).toMatch(/byte order is ambiguous/);
    expect(out.equals(msg)).toBe(true);
  });
});

describe('appendText: charsets that cannot carry the addition', () => {
  it('converts to UTF-8 when the existing text decodes losslessly', async () => {
    const input = message('text/plain; charset=iso-8859-1; delsp=no', '8bit', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a]));
    const { result, out } = await edit(input, (p) => appendText(p, 'Check ✓', 'bottom', { paragraph: true }));
    expect(result).toEqual({ strategy: 'converted', charset: 'utf-8', transferEncoding: 'quoted-printable' });
    // Independent decode of the new body, and the Content-Type's other parameters kept.
    expect(libqp.decode(rawBodyOf(out)).toString('utf8')).toBe('café\r\n\r\nCheck ✓\r\n');
    expect(out.toString('latin1')).toContain('charset=utf-8; delsp=no');
  });

  it('declines (separate part) when the existing bytes do not decode losslessly', async () => {
    const body = Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]);
    const input = message('text/plain; charset=x-made-up', '8bit', body);
    const { result, out, m } = await edit(input, (p) => appendText(p, 'Check ✓', 'bottom', { paragraph: true }));
    expect(result).toMatchObject({ strategy: 'separate-part' });
    expect((result as { reason: string }).reason).toMatch(/does not decode losslessly/);
    expect(out.equals(input)).toBe(true);
    expect(m.modified).toBe(false);
  });

  it('an unknown transfer encoding (x-uuencode) is never written into, not even by converting', async () => {
    const input = message('text/plain; charset=us-ascii', 'x-uuencode', 'begin 644 a.txt\r\n#86)C\r\n`\r\nend\r\n');
    const { result, out } = await edit(input, (p) => appendText(p, 'x ✓', 'bottom'));
    expect(result).toEqual({ strategy: 'separate-part', reason: 'transfer encoding "x-uuencode" is not one wmflow can write' });
    expect(out.equals(input)).toBe(true);
  });

  it('Shift_JIS: a join that would change the meaning of a trailing lead byte is detected', async () => {
    // The body ends with a lone lead byte (0x83): an ASCII byte after it would pair with it.
    const good = Buffer.concat([iconv.encode('日本語', 'shift_jis'), Buffer.from('\r\n')]);
    const input = message('text/plain; charset=shift_jis', '8bit', good);
    const ok = await edit(input, (p) => appendText(p, 'テスト', 'bottom', { paragraph: true }));
    expect(ok.result).toMatchObject({ strategy: 'spliced', charset: 'shift_jis' });
    expect(iconv.decode(rawBodyOf(ok.out), 'shift_jis')).toBe('日本語\r\n\r\nテスト\r\n');
    const broken = message('text/plain; charset=shift_jis', '8bit', Buffer.concat([iconv.encode('日本', 'shift_jis'), Buffer.from([0x83])]));
    const bad = await edit(broken, (p) => appendText(p, 'A', 'bottom'));
    expect(bad.result).not.toMatchObject({ strategy: 'spliced' });
  });
});

describe('insertTextAt (HTML)', () => {
  const locateBody = (html: string) => html.search(/<\/body>/i);

  it('identity: splices at the byte offset; non-ASCII before the point is counted in bytes', async () => {
    const html = '<html><head><title>Café crème — ✓</title></head><body><p>Grüße</p></body></html>\r\n';
    const input = message('text/html; charset=utf-8', '8bit', Buffer.from(html));
    const { result, out } = await edit(input, (p) => insertTextAt(p, '<p>Disclaimer ✓</p>', locateBody));
    expect(result).toMatchObject({ strategy: 'spliced', charset: 'utf-8' });
    expect((await simpleParser(out)).html).toBe(html.replace('</body>', '<p>Disclaimer ✓</p></body>').replace(/\r\n$/, '\n'));
    const at = Buffer.from(html).indexOf('</body>');
    expect(rawBodyOf(out).subarray(0, at).equals(Buffer.from(html).subarray(0, at))).toBe(true);
  });

  it('Latin-1 quoted-printable and base64: content bytes spliced and re-encoded as bytes', async () => {
    const html = Buffer.from('<html><body><p>Caf\xe9</p></body></html>', 'latin1');
    for (const cte of ['quoted-printable', 'base64'] as const) {
      const raw = cte === 'base64' ? html.toString('base64') : libqp.encode(html);
      const input = message('text/html; charset=iso-8859-1', cte, raw);
      const { result, out } = await edit(input, (p) => insertTextAt(p, '<p>Noté</p>', locateBody));
      expect(result).toEqual({ strategy: 'spliced', charset: 'iso-8859-1', transferEncoding: cte });
      expect(contentBytes(rawBodyOf(out), cte).equals(Buffer.from('<html><body><p>Caf\xe9</p><p>Not\xe9</p></body></html>', 'latin1'))).toBe(true);
    }
  });

  it('mislabelled bytes stay: Latin-1 HTML labelled utf-8', async () => {
    const html = Buffer.from('<body>Caf\xe9</body>', 'latin1');
    const { out } = await edit(message('text/html; charset=utf-8', '8bit', html), (p) => insertTextAt(p, '<hr>', locateBody));
    expect(rawBodyOf(out).equals(Buffer.from('<body>Caf\xe9<hr></body>', 'latin1'))).toBe(true);
  });
});

describe('decodesLosslessly and findBareLineBreaks', () => {
  it('tells lossless text from bytes that would be damaged', async () => {
    const part = async (ct: string, body: Buffer) => (await parseMessage(message(ct, '8bit', body))).root;
    expect(decodesLosslessly(await part('text/plain; charset=utf-8', Buffer.from('Grüße')))).toBe(true);
    expect(decodesLosslessly(await part('text/plain; charset=utf-8', Buffer.from([0x43, 0x61, 0x66, 0xe9])))).toBe(false);
    expect(decodesLosslessly(await part('text/plain; charset=iso-8859-1', Buffer.from([0x43, 0x61, 0x66, 0xe9])))).toBe(true);
    expect(decodesLosslessly(await part('text/plain; charset=utf-16le', iconv.encode('hé', 'utf-16le')))).toBe(true);
    expect(decodesLosslessly(await part('text/plain; charset=x-made-up', Buffer.from([0xe9])))).toBe(false);
    expect(decodesLosslessly(await part('image/png', Buffer.from('x')))).toBe(false);
  });

  it('counts CR and LF octets outside CRLF pairs, with their positions', () => {
    expect(findBareLineBreaks(Buffer.from('a\r\nb\rc\nd\r\n\r'))).toEqual({ bareCr: 2, bareLf: 1, crPositions: [4, 10], lfPositions: [6] });
    expect(findBareLineBreaks(Buffer.from('\n'))).toMatchObject({ bareLf: 1, lfPositions: [0] });
    expect(findBareLineBreaks(Buffer.from('\r'.repeat(40)), 3)).toMatchObject({ bareCr: 40, crPositions: [0, 1, 2] });
  });

  it('refuses a part that is not text', async () => {
    const m = await parseMessage(message('image/png', 'base64', 'AAAA'));
    expect(() => appendText(m.root, 'x', 'bottom')).toThrow(MimeError);
  });
});

describe('large bodies', () => {
  it('quoted-printable over 4 KB (read from its last lines only): same results as a full decode', async () => {
    const text = Buffer.from('Grüße aus Köln, eine längere Zeile mit Umlauten und = Zeichen.\r\n'.repeat(200));
    for (const body of [
      libqp.wrap(libqp.encode(text), 76),
      libqp.wrap(libqp.encode(text), 76).replace(/\r\n$/, ''),
      `${libqp.wrap(libqp.encode(text), 76)}tail=\r\n`,
    ]) {
      const input = message('text/plain; charset=utf-8', 'quoted-printable', body);
      const before = libqp.decode(Buffer.from(body, 'latin1')).toString('utf8');
      const { result, out } = await edit(input, (p) => appendText(p, DISCLAIMER, 'bottom', { paragraph: true }));
      expect(result).toMatchObject({ strategy: 'spliced' });
      const raw = rawBodyOf(out);
      expect(raw.subarray(0, body.length).toString('latin1')).toBe(body);
      expect(libqp.decode(raw).toString('utf8')).toBe(`${before}${before.endsWith('\r\n') ? '' : '\r\n'}\r\n${DISCLAIMER}\r\n`);
    }
  });

  it('base64 lines are 76 characters with the body line ending, decoding to the same bytes', async () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256));
    const input = message('text/plain; charset=iso-8859-1', 'base64', `${bytes.toString('base64').replace(/.{76}/g, '$&\n')}\n`, '\n');
    const { out } = await edit(input, (p) => appendText(p, 'end', 'bottom'));
    const raw = rawBodyOf(out).toString('latin1');
    expect(raw.includes('\r')).toBe(false);
    expect(
      raw
        .split('\n')
        .slice(0, -2)
        .every((l) => l.length === 76),
    ).toBe(true);
    expect(raw.endsWith('\n')).toBe(true);
    expect(Buffer.from(raw, 'base64').equals(Buffer.concat([bytes, Buffer.from('end')]))).toBe(true);
  });
});
