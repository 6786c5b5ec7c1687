import { describe, expect, it } from 'vitest';
import { checkUpdatedContent } from '../../lib/workmail/content-checks.js';
import { headerEditProblem } from '../../lib/workmail/header-policy.js';
import { mail } from '../support/samples.js';

const original = mail([
  'Received: from mx.example.org by mx.example.com; Mon, 1 Jan 2024 00:00:00 +0000',
  'From: a@example.org',
  'To: b@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@example.org>',
  'Subject: hi',
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'hello',
  '--b--',
  '',
]);

const codes = async (updated: Buffer) => (await checkUpdatedContent(original, updated)).map((p) => `${p.severity}:${p.code}`);

describe('checkUpdatedContent', () => {
  it('accepts the original and a harmless edit', async () => {
    expect(await codes(original)).toEqual([]);
    expect(await codes(Buffer.from(original.toString().replace('Subject: hi', 'Subject: [EXT] hi')))).toEqual([]);
  });

  it('flags changed immutable headers and says which', async () => {
    const problems = await checkUpdatedContent(original, Buffer.from(original.toString().replace('<1@example.org>', '<2@example.org>')));
    expect(problems).toEqual([
      { code: 'IMMUTABLE_HEADER_CHANGED', severity: 'error', message: 'immutable header Message-ID was changed (1 value(s) before, 1 after)' },
    ]);
    expect(await codes(Buffer.from(original.toString().replace(/^Received:.*\r\n/, '')))).toEqual(['error:IMMUTABLE_HEADER_CHANGED']);
  });

  it('compares immutable headers by value: refolding or case is no change, an edit inside a fold is', async () => {
    const refolded = original.toString().replace('by mx.example.com;', 'by mx.example.com;\r\n\t ').replace('From: a@', 'FROM:   a@');
    expect(await codes(Buffer.from(refolded))).toEqual([]);
    expect(await codes(Buffer.from(refolded.replace('mx.example.com;', 'mx2.example.com;')))).toEqual(['error:IMMUTABLE_HEADER_CHANGED']);
    // The same values in another order are a change.
    const twoReceived = (first: string, second: string) =>
      Buffer.from(original.toString().replace(/^Received:.*\r\n/, `Received: ${first}\r\nReceived: ${second}\r\n`));
    const checks = async (a: Buffer, b: Buffer) => (await checkUpdatedContent(a, b)).map((p) => p.code);
    expect(await checks(twoReceived('x', 'y'), twoReceived('x', 'y'))).toEqual([]);
    expect(await checks(twoReceived('x', 'y'), twoReceived('y', 'x'))).toEqual(['IMMUTABLE_HEADER_CHANGED']);
  });

  it('flags missing required headers and duplicated unique ones', async () => {
    const noDate = Buffer.from(original.toString().replace(/Date:.*\r\n/, ''));
    expect(await codes(noDate)).toEqual(['error:REQUIRED_HEADER_MISSING', 'error:IMMUTABLE_HEADER_CHANGED']);
    const twoSubjects = Buffer.from(original.toString().replace('Subject: hi', 'Subject: hi\r\nSubject: again'));
    expect(await codes(twoSubjects)).toEqual(['error:DUPLICATE_UNIQUE_HEADER']);
  });

  it('flags long lines, unclosed or empty multiparts, blocked attachments and unencoded 8-bit', async () => {
    const long = Buffer.from(original.toString().replace('hello', 'h'.repeat(1200)));
    expect(await checkUpdatedContent(original, long)).toEqual([
      { code: 'LINE_TOO_LONG', severity: 'error', message: '1 line(s) over 1000 octets including CRLF; first at line 12 (1202 octets, part 1 body)' },
    ]);
    expect(await codes(Buffer.from(original.toString().replace('--b--\r\n', '')))).toEqual(['error:MULTIPART_UNCLOSED']);
    const exe = Buffer.from(
      original
        .toString()
        .replace('--b--', '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="setup.EXE"\r\n\r\nMZ\r\n--b--'),
    );
    expect(await codes(exe)).toEqual(['error:UNSUPPORTED_ATTACHMENT']);
    const eight = Buffer.from(original.toString().replace('hello', 'héllo'), 'utf8');
    expect(await codes(eight)).toEqual(['warning:UNENCODED_8BIT']);
    // The edge of 7-bit: DEL (0x7f) is ASCII, 0x80 is not.
    const withByte = (b: number) =>
      Buffer.concat([original.subarray(0, original.indexOf('hello')), Buffer.from([b]), original.subarray(original.indexOf('hello'))]);
    expect(await codes(withByte(0x7f))).toEqual([]);
    expect(await codes(withByte(0x80))).toEqual(['warning:UNENCODED_8BIT']);
  });

  it('reports unparseable content instead of throwing', async () => {
    const deep = Buffer.from(
      'Content-Type: multipart/mixed; boundary=a\r\n\r\n' +
        Array.from({ length: 80 }, (_, i) => `--${i ? `a${i}` : 'a'}\r\nContent-Type: multipart/mixed; boundary=a${i + 1}\r\n\r\n`).join(''),
    );
    expect(await codes(deep)).toEqual(['error:MALFORMED']);
  });
});

describe('headerEditProblem', () => {
  it('refuses immutable, structural, duplicate-unique and required-removal edits', () => {
    expect(headerEditProblem('Message-ID', 'set')).toMatch(/immutable/);
    expect(headerEditProblem('content-type', 'add')).toMatch(/MIME structure/);
    expect(headerEditProblem('Subject', 'add')).toMatch(/only once/);
    expect(headerEditProblem('Subject', 'set')).toBeUndefined();
    expect(headerEditProblem('X-Anything', 'add')).toBeUndefined();
  });
});
