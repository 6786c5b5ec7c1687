import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/index.js';
import { allMessages, CORPUS_DIR, emlFiles, mail } from '../support/samples.js';

describe('exact round trip', () => {
  // Registered only when the corpus is configured; `corpusFiles()` says so in one line otherwise.
  if (CORPUS_DIR) {
    it('finds the public corpus WMFLOW_CORPUS_DIR names', () => {
      expect(emlFiles(CORPUS_DIR).length).toBeGreaterThanOrEqual(17);
    });
  }

  it.each(allMessages())('%s serialises back to its exact bytes', async (_name, input) => {
    const message = await parseMessage(input);
    expect(message.toBuffer().equals(input)).toBe(true);
    expect(message.modified).toBe(false);
  });

  const malformed: [string, Buffer][] = [
    [
      'bare LF everywhere',
      mail(['From: a@example.com', 'Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain', '', 'hi', '--b--', ''], '\n'),
    ],
    [
      'mixed CRLF and LF',
      Buffer.from(
        'From: a@example.com\r\nSubject: x\nContent-Type: multipart/alternative; boundary="q"\r\n\r\n--q\nContent-Type: text/plain\r\n\nhello\r\n--q\r\n\r\nno headers here\n--q--\r\n',
      ),
    ],
    [
      'missing closing boundary',
      mail([
        'From: a@example.com',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'one',
        '--b',
        'Content-Type: text/plain',
        '',
        'two, and the message just ends',
      ]),
    ],
    [
      'junk before the first boundary and after the last',
      mail([
        'Content-Type: multipart/mixed; boundary=b',
        '',
        'This is a multi-part message in MIME format.',
        'junk --b-not-a-boundary',
        '--b',
        '',
        'part',
        '--b--',
        'epilogue text',
        '--b',
        'more epilogue',
        '',
      ]),
    ],
    [
      'boundaries that prefix each other',
      mail([
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: multipart/alternative; boundary="b1-inner"',
        '',
        '--b1-inner',
        'Content-Type: text/plain',
        '',
        'plain',
        '--b1-inner',
        'Content-Type: text/html',
        '',
        '<p>html</p>',
        '--b1-inner--',
        '--b1',
        'Content-Type: text/plain',
        '',
        'second',
        '--b1--',
        '',
      ]),
    ],
    [
      'duplicate boundary reused by a nested multipart',
      mail([
        'Content-Type: multipart/mixed; boundary="x"',
        '',
        '--x',
        'Content-Type: multipart/alternative; boundary="x"',
        '',
        '--x',
        '',
        'inner',
        '--x--',
        '--x--',
        '',
      ]),
    ],
    [
      '8-bit and binary bodies with NUL bytes',
      Buffer.concat([
        Buffer.from(
          'Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n',
        ),
        Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x00, 0x0a, 0x80, 0]),
        Buffer.from('\r\n--z\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n--z--\r\n'),
      ]),
    ],
    [
      'headers with no colon and odd case',
      mail(['From: a@example.com', 'this line has no colon', 'content-TYPE: text/plain', 'X-Empty:', ' continuation of empty', '', 'body']),
    ],
    [
      'non-ASCII raw header values',
      Buffer.concat([
        Buffer.from('Subject: '),
        Buffer.from('Grüße aus Köln ✓', 'utf8'),
        Buffer.from('\r\nX-Latin1: '),
        Buffer.from([0xe9, 0xe8]),
        Buffer.from('\r\n\r\nbody\r\n'),
      ]),
    ],
    ['NUL bytes in headers and body', Buffer.from('Subject: a\u0000b\r\n\r\nbody\u0000with nul\r\n', 'latin1')],
    ['message with an empty body', mail(['From: a@example.com', 'Subject: empty', '', ''])],
    ['headers only, no blank line, no final newline', Buffer.from('From: a@example.com\r\nSubject: nothing else')],
    ['mbox From_ line first', mail(['From someone@example.com Mon Jan  1 00:00:00 2024', 'From: a@example.com', '', 'body', ''])],
    ['a part with no headers at all', mail(['Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'no headers', '--b--', ''])],
    ['empty input', Buffer.alloc(0)],
    ['only a line break', Buffer.from('\r\n')],
    ['boundary with trailing whitespace and CR runs', Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b  \r\n\r\nx\r\r\n--b--\t\r\n')],
  ];

  it.each(malformed)('%s', async (_name, input) => {
    const message = await parseMessage(input);
    expect(message.toBuffer().equals(input)).toBe(true);
  });

  it('splits a multipart into the parts a reader sees, even when malformed', async () => {
    const input = malformed.find(([n]) => n.startsWith('missing closing'))![1];
    const message = await parseMessage(input);
    expect(message.root.children.map((c) => c.path)).toEqual(['1', '2']);
    const prefix = await parseMessage(malformed.find(([n]) => n.startsWith('boundaries that prefix'))![1]);
    expect(prefix.parts().map((p) => `${p.path}:${p.mediaType}`)).toEqual([
      ':multipart/mixed',
      '1:multipart/alternative',
      '1.1:text/plain',
      '1.2:text/html',
      '2:text/plain',
    ]);
  });
});

describe('delimiter ownership', () => {
  it('gives an enclosing multipart its own closing delimiter when it directly follows an inner one', async () => {
    const input = mail([
      'Content-Type: multipart/alternative; boundary="alt"',
      '',
      '--alt',
      '',
      'plain',
      '--alt',
      'Content-Type: multipart/related; boundary="rel"',
      '',
      '--rel',
      'Content-Type: text/html',
      '',
      '<p>x</p>',
      '--rel--',
      '',
      '--alt--',
      '',
    ]);
    const m = await parseMessage(input);
    expect(m.toBuffer().equals(input)).toBe(true);
    const rel = m.findPart('2')!;
    expect(rel.segments[rel.segments.length - 1]!.toString()).toBe('\r\n--rel--\r\n');
    expect(m.root.segments[m.root.segments.length - 1]!.toString()).toBe('\r\n--alt--\r\n');
  });

  it('does so through several levels at once', async () => {
    const input = mail([
      'Content-Type: multipart/mixed; boundary=a',
      '',
      '--a',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: multipart/mixed; boundary=c',
      '',
      '--c',
      '',
      'leaf',
      '--c--',
      '--b--',
      '--a--',
      '',
    ]);
    const m = await parseMessage(input);
    expect(m.toBuffer().equals(input)).toBe(true);
    const tail = (p: string) => {
      const x = m.findPart(p)!;
      return x.segments[x.segments.length - 1]!.toString();
    };
    expect([tail('1.1'), tail('1'), tail('')]).toEqual(['\r\n--c--', '\r\n--b--', '\r\n--a--\r\n']);
  });
});
