import iconv from 'iconv-lite';
import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import { decodeWords } from '../../lib/mime/encoded-words.js';
import { parseMessage } from '../../lib/mime/index.js';
import { allMessages } from '../support/samples.js';

const b = (charset: string, bytes: Buffer) => `=?${charset}?B?${bytes.toString('base64')}?=`;

describe('decodeWords (RFC 2047)', () => {
  it('leaves text without encoded words alone, byte for byte', () => {
    for (const s of ['plain', '', 'a =? b', '=?broken', 'x ?= y']) expect(decodeWords(s)).toBe(s);
  });

  it('decodes Q and B words, Q underscores as spaces, and keeps text around them', () => {
    expect(decodeWords('Re: =?UTF-8?Q?caf=C3=A9_cr=C3=A8me?= tonight')).toBe('Re: café crème tonight');
    expect(decodeWords(b('utf-8', Buffer.from('Grüße')))).toBe('Grüße');
    expect(decodeWords('=?utf-8?q?a=5Fb?=')).toBe('a_b');
  });

  it('drops whitespace between adjacent encoded words, and only there (RFC 2047 §6.2)', () => {
    expect(decodeWords('=?utf-8?Q?a?= \r\n =?utf-8?Q?b?=')).toBe('ab');
    expect(decodeWords('=?utf-8?Q?a?= b =?utf-8?Q?c?=')).toBe('a b c');
  });

  it('joins the bytes of neighbouring words in one charset, so a character split across them comes out whole', () => {
    const bytes = Buffer.from('日本語のテキスト', 'utf8');
    // Split inside the second character's three bytes.
    const subject = `${b('UTF-8', bytes.subarray(0, 4))} ${b('utf-8', bytes.subarray(4))}`;
    expect(decodeWords(subject)).toBe('日本語のテキスト');
    // libmime, the reference, gets this right too.
    expect(libmime.decodeWords(subject)).toBe('日本語のテキスト');
  });

  it('decodes legacy charsets through the charset tables, and a language tag is ignored (RFC 2231 §5)', () => {
    expect(decodeWords(b('windows-1251', iconv.encode('Привет', 'windows-1251')))).toBe('Привет');
    expect(decodeWords(b('ISO-2022-JP', Buffer.from('\x1b$B$3$s$K$A$O\x1b(B', 'latin1')))).toBe('こんにちは');
    expect(decodeWords('=?ISO-8859-1*de?Q?Gr=FC=DFe?=')).toBe('Grüße');
    // Different charsets side by side are decoded each in its own.
    expect(decodeWords(`${b('iso-8859-1', Buffer.from([0xe9]))} ${b('utf-8', Buffer.from('é'))}`)).toBe('éé');
  });

  it('never throws: bad escapes stay literal, an unknown charset is read as UTF-8 or windows-1252', () => {
    expect(decodeWords('=?utf-8?Q?100=ZZ?=')).toBe('100=ZZ');
    expect(decodeWords('=?x-unknown?Q?caf=C3=A9?=')).toBe('café');
    expect(decodeWords('=?x-unknown?Q?caf=E9?=')).toBe('café');
  });

  it('agrees with libmime on every header of the samples and the public corpus', async () => {
    let compared = 0;
    let encoded = 0;
    for (const [label, bytes] of allMessages()) {
      const message = await parseMessage(bytes);
      for (const part of message.parts()) {
        for (const field of part.headers.list()) {
          const raw = field.value;
          const expected = libmime.decodeWords(raw);
          // libmime turns bytes a charset cannot decode into U+FFFD; both must agree wherever it does not.
          if (expected.includes('\ufffd')) continue;
          compared++;
          if (raw.includes('=?')) encoded++;
          expect(decodeWords(raw), `${label}: ${field.name}`).toBe(expected);
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
    // The samples alone hold five headers with encoded words (the corpus adds more).
    expect(encoded).toBeGreaterThanOrEqual(5);
  });
});
