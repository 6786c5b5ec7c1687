import { describe, expect, it } from 'vitest';
import { getText, MimeError, parseMessageSync, setText, type MimeMessage, type MimePart } from '../../lib/mime/index.js';
import { mailsplitOutline } from './mailsplit-reference.js';

/*
 * One case per splitting rule, each generated here: what the tree must look like, that it
 * serialises back to the input, and (where mailsplit can represent the input) that mailsplit
 * finds the same parts.
 */

const EOLS = [
  ['CRLF', '\r\n'],
  ['LF', '\n'],
] as const;

const msg = (lines: string[], eol = '\r\n') => Buffer.from(lines.join(eol), 'latin1');

function parse(input: Buffer): MimeMessage {
  const m = parseMessageSync(input);
  expect(m.toBuffer().equals(input)).toBe(true);
  return m;
}

const body = (p: MimePart | undefined) => p!.rawBody().toString('latin1');
const texts = (m: MimeMessage) => m.root.children.map((c) => body(c));
const str = (s: unknown) => (Buffer.isBuffer(s) ? s.toString('latin1') : '<part>');

/** Leaf bodies mailsplit reports, in order, for parts whose header block ends with an empty line. */
async function mailsplitBodies(input: Buffer): Promise<string[]> {
  return (await mailsplitOutline(input)).filter((n) => !n.boundary && n.depth > 0).map((n) => n.body.toString('latin1'));
}

describe.each(EOLS)('splitter rules (%s)', (_name, eol) => {
  const head = ['Content-Type: multipart/mixed; boundary="b"', ''];

  it('accepts transport padding (SP/HT) after open and close delimiters', async () => {
    const input = msg([...head, '--b \t ', '', 'one', '--b\t', '', 'two', '--b-- \t', 'epilogue'], eol);
    const m = parse(input);
    expect(texts(m)).toEqual(['one', 'two']);
    expect(str(m.root.segments.at(-1))).toBe(`${eol}--b-- \t${eol}epilogue`);
    expect(await mailsplitBodies(input)).toEqual(['one', 'two']);
  });

  it('bounds the padding by the line: up to 1004 octets past the boundary, line ending included', async () => {
    const most = 1004 - 2 - eol.length;
    const ok = msg([...head, '--b', '', 'one', `--b${' '.repeat(most)}`, '', 'two', '--b--', ''], eol);
    expect(texts(parse(ok))).toEqual(['one', 'two']);
    const tooLong = msg([...head, '--b', '', 'one', `--b${' '.repeat(most + 1)}`, '', 'two', '--b--', ''], eol);
    expect(texts(parse(tooLong))).toEqual([`one${eol}--b${' '.repeat(most + 1)}${eol}${eol}two`]);
    expect(await mailsplitBodies(ok)).toEqual(texts(parse(ok)));
    expect(await mailsplitBodies(tooLong)).toEqual(texts(parse(tooLong)));
  });

  it('matches the boundary exactly: lines it merely starts are body text', async () => {
    const noise = ['--bb', '--b-', '--b---', '--b--x', '--b x', ' --b', 'x--b', '--B', '--'];
    const input = msg([...head, '--b', '', ...noise, '--b--', ''], eol);
    const m = parse(input);
    expect(texts(m)).toEqual([noise.join(eol)]);
    expect(await mailsplitBodies(input)).toEqual([noise.join(eol)]);
  });

  it('keeps boundaries that prefix each other apart, either way round', async () => {
    for (const [outer, inner] of [
      ['abc', 'abc-def'],
      ['abc-def', 'abc'],
    ]) {
      const input = msg(
        [
          `Content-Type: multipart/mixed; boundary="${outer}"`,
          '',
          `--${outer}`,
          `Content-Type: multipart/alternative; boundary="${inner}"`,
          '',
          `--${inner}`,
          '',
          'plain',
          `--${inner}`,
          '',
          'html',
          `--${inner}--`,
          `--${outer}`,
          '',
          'second',
          `--${outer}--`,
          '',
        ],
        eol,
      );
      const m = parse(input);
      expect(m.parts().map((p) => p.path)).toEqual(['', '1', '1.1', '1.2', '2']);
      expect([body(m.findPart('1.1')), body(m.findPart('1.2')), body(m.findPart('2'))]).toEqual(['plain', 'html', 'second']);
      expect(await mailsplitBodies(input)).toEqual(['plain', 'html', 'second']);
    }
  });

  it('splits by very long boundaries (70 octets, RFC 2046 maximum, and 5000)', async () => {
    for (const length of [70, 5000]) {
      const b = `${'x'.repeat(length - 1)}y`;
      const input = msg(
        [`Content-Type: multipart/mixed; boundary="${b}"`, '', `--${b}`, '', 'one', `--${'x'.repeat(length)}`, `--${b}`, '', 'two', `--${b}--`, ''],
        eol,
      );
      const m = parse(input);
      expect(texts(m)).toEqual([`one${eol}--${'x'.repeat(length)}`, 'two']);
      expect(await mailsplitBodies(input)).toEqual(texts(m));
    }
  });

  it('keeps an empty part between doubled delimiter lines, and a body given to it stays its own', () => {
    const input = msg([...head, '--b', '--b', 'Content-Type: text/plain', '', 'second', '--b', '--b--', ''], eol);
    const m = parse(input);
    expect(m.root.children.map((c) => [c.headers.byteLength, c.bodyLength])).toEqual([
      [0, 0],
      [`Content-Type: text/plain${eol}${eol}`.length, 'second'.length],
      [0, 0],
    ]);
    setText(m.findPart('1')!, 'now filled');
    setText(m.findPart('3')!, 'and this');
    const again = parse(m.toBuffer());
    expect(again.root.children.map((c) => getText(c))).toEqual(['now filled', 'second', 'and this']);
    // Lines written into a part with no line break of its own follow the message's.
    if (eol === '\n') expect(m.toBuffer().includes('\r')).toBe(false);
  });

  it('runs a part with no closing delimiter to the end of its parent', () => {
    const top = parse(msg([...head, '--b', '', 'one', '--b', '', 'two, to the end', '', ''], eol));
    expect(texts(top)).toEqual(['one', `two, to the end${eol}${eol}`]);
    const nested = parse(
      msg(
        [
          'Content-Type: multipart/mixed; boundary=outer',
          '',
          '--outer',
          'Content-Type: multipart/alternative; boundary=inner',
          '',
          '--inner',
          '',
          'a',
          '--inner',
          '',
          'b',
          '--outer',
          '',
          'c',
          '--outer--',
          '',
        ],
        eol,
      ),
    );
    expect(nested.parts().map((p) => [p.path, p.multipart || body(p)])).toEqual([
      ['', 'mixed'],
      ['1', 'alternative'],
      ['1.1', 'a'],
      ['1.2', 'b'],
      ['2', 'c'],
    ]);
    // The unclosed inner multipart ends before the line break that belongs to `--outer`.
    expect(str(nested.findPart('1')!.segments.at(-1))).toBe('<part>');
    expect(str(nested.root.segments[2])).toBe(`${eol}--outer${eol}`);
  });

  it('keeps preamble and epilogue, where delimiter-like lines do nothing', () => {
    const input = msg([...head, 'preamble', '--b--', 'still preamble', '--b', '', 'one', '--b--', 'epilogue', '--b', '', 'not a part', ''], eol);
    const m = parse(input);
    expect(texts(m)).toEqual(['one']);
    expect(str(m.root.segments[0])).toBe(`preamble${eol}--b--${eol}still preamble`);
    expect(str(m.root.segments.at(-1))).toBe(`${eol}--b--${eol}epilogue${eol}--b${eol}${eol}not a part${eol}`);
  });

  it('lets a nested multipart that reuses the outer boundary see the delimiters first, as mailparser does', async () => {
    const input = msg(
      [
        'Content-Type: multipart/mixed; boundary="x"',
        '',
        '--x',
        'Content-Type: multipart/alternative; boundary="x"',
        '',
        '--x',
        '',
        'inner one',
        '--x',
        '',
        'inner two',
        '--x--',
        '--x',
        '',
        'outer two',
        '--x--',
        '',
      ],
      eol,
    );
    const m = parse(input);
    expect(m.parts().map((p) => p.path)).toEqual(['', '1', '1.1', '1.2', '2']);
    expect([body(m.findPart('1.1')), body(m.findPart('1.2')), body(m.findPart('2'))]).toEqual(['inner one', 'inner two', 'outer two']);
    const outline = await mailsplitOutline(input);
    expect(outline.map((n) => n.depth)).toEqual(m.parts().map((p) => p.depth));
    expect(await mailsplitBodies(input)).toEqual(['inner one', 'inner two', 'outer two']);
  });

  it('gives a part with headers only no body, and the line break before the delimiter to the delimiter', () => {
    const m = parse(msg([...head, '--b', 'Content-Type: text/plain; charset=us-ascii', '--b', '', 'no headers here', '--b--', ''], eol));
    const [headersOnly, headerless] = m.root.children;
    expect(headersOnly!.headers.getFirst('content-type')).toBe('text/plain; charset=us-ascii');
    expect(headersOnly!.bodyLength).toBe(0);
    expect(str(m.root.segments[2])).toBe(`${eol}--b${eol}`);
    expect(headerless!.headers.list()).toEqual([]);
    expect(body(headerless)).toBe('no headers here');
    expect(headerless!.mediaType).toBe('text/plain');
    setText(headersOnly!, 'added');
    expect(getText(parse(m.toBuffer()).findPart('1')!)).toBe('added');
  });

  it('never splits inside an attached message, even one with a boundary parameter', () => {
    const inner = ['From: inner@example.org', 'Content-Type: multipart/mixed; boundary="in"', '', '--in', '', 'inner text', '--in--', ''];
    for (const type of ['message/rfc822', 'message/rfc822; boundary="in"']) {
      const m = parse(msg([...head, '--b', `Content-Type: ${type}`, '', ...inner, '--b--', ''], eol));
      expect(m.parts().map((p) => p.path)).toEqual(['', '1']);
      expect(m.findPart('1')!.multipart).toBe(false);
      expect(body(m.findPart('1'))).toBe(inner.join(eol));
    }
  });
});

describe('line endings', () => {
  it('splits CRLF, bare LF and mixed endings into the same parts', () => {
    const lines = [
      'Content-Type: multipart/mixed; boundary=b',
      '',
      'pre',
      '--b',
      'Content-Type: text/plain',
      '',
      'one',
      'line',
      '--b',
      '',
      'two',
      '--b--',
      'epi',
    ];
    const crlf = parse(msg(lines, '\r\n'));
    const lf = parse(msg(lines, '\n'));
    const mixed = parse(Buffer.from(lines.map((l, i) => l + (i % 2 ? '\n' : '\r\n')).join(''), 'latin1'));
    const shape = (m: MimeMessage) => m.parts().map((p) => [p.path, p.mediaType, p.multipart ? '' : body(p).replace(/\r\n/g, '\n')]);
    expect(shape(lf)).toEqual(shape(crlf));
    expect(shape(mixed)).toEqual(shape(crlf));
    expect(shape(crlf)).toEqual([
      ['', 'multipart/mixed', ''],
      ['1', 'text/plain', 'one\nline'],
      ['2', 'text/plain', 'two'],
    ]);
  });
});

describe('limits name the place', () => {
  const parts = (n: number) => msg(['Content-Type: multipart/mixed; boundary=b', '', ...Array.from({ length: n }, (_, i) => `--b\r\n\r\n${i}`), '--b--', '']);

  function rejection(fn: () => unknown): MimeError {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(MimeError);
      return err as MimeError;
    }
    throw new Error('expected a MimeError');
  }

  it('maxParts counts every part, the message included', () => {
    expect(parseMessageSync(parts(9), { limits: { maxParts: 10 } }).parts()).toHaveLength(10);
    const err = rejection(() => parseMessageSync(parts(10), { limits: { maxParts: 10 } }));
    expect([err.code, err.message]).toEqual(['MIME_TOO_MANY_PARTS', 'message: more than 10 MIME parts (maxParts)']);
  });

  it('maxHeaderBytes bounds one header block, its empty line included', () => {
    const header = `Content-Type: text/plain\r\nX-Pad: ${'p'.repeat(100)}\r\n\r\n`;
    const input = msg(['Content-Type: multipart/mixed; boundary=b', '', '--b', '', 'first', '--b', `${header}second`, '--b--', '']);
    expect(parseMessageSync(input, { limits: { maxHeaderBytes: header.length } }).parts()).toHaveLength(3);
    const err = rejection(() => parseMessageSync(input, { limits: { maxHeaderBytes: header.length - 1 } }));
    expect([err.code, err.message, err.partPath]).toEqual([
      'MIME_HEADER_TOO_LARGE',
      `header block after part 1 is over ${header.length - 1} bytes (maxHeaderBytes)`,
      '1',
    ]);
    const headersOnly = Buffer.from(`Subject: ${'s'.repeat(200)}`);
    expect(rejection(() => parseMessageSync(headersOnly, { limits: { maxHeaderBytes: 200 } })).code).toBe('MIME_HEADER_TOO_LARGE');
    expect(parseMessageSync(headersOnly, { limits: { maxHeaderBytes: headersOnly.length } }).root.bodyLength).toBe(0);
  });

  it('maxMessageBytes is inclusive', () => {
    const input = parts(2);
    expect(parseMessageSync(input, { limits: { maxMessageBytes: input.length } })).toBeDefined();
    expect(rejection(() => parseMessageSync(input, { limits: { maxMessageBytes: input.length - 1 } })).code).toBe('MIME_TOO_LARGE');
  });

  it('maxDepth names the multipart whose child is too deep', () => {
    let input = 'Content-Type: multipart/mixed; boundary=b0\r\n\r\n--b0\r\n';
    for (let i = 1; i <= 3; i++) input += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
    const err = rejection(() => parseMessageSync(Buffer.from(`${input}\r\nleaf`), { limits: { maxDepth: 3 } }));
    expect([err.code, err.message, err.partPath]).toEqual(['MIME_TOO_DEEP', 'part 1.1.1: multipart nesting deeper than 3 levels (maxDepth)', '1.1.1']);
  });
});

describe('cost', () => {
  it('stays linear when many multiparts never see their own delimiters', () => {
    // Each search for an inner boundary is bounded by the parent's next delimiter; searching
    // each one to the end of the message would scan about 20 GB here.
    const filler = `${'quoted text -- with dashes\r\n--not-a-boundary\r\n'.repeat(1100)}`;
    const parts = Array.from({ length: 900 }, (_, i) => `--outer\r\nContent-Type: multipart/mixed; boundary="never-${i}"\r\n\r\n${filler}`);
    const input = Buffer.from(`Content-Type: multipart/mixed; boundary=outer\r\n\r\n${parts.join('\r\n')}\r\n--outer--\r\n`);
    expect(input.length).toBeGreaterThan(40 * 1024 * 1024);
    const started = performance.now();
    const m = parseMessageSync(input);
    const ms = performance.now() - started;
    expect(m.root.children).toHaveLength(900);
    expect(m.toBuffer().equals(input)).toBe(true);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('content info', () => {
  it('reads a transfer encoding full of unclosed comments in linear time', () => {
    const input = Buffer.from(`Content-Transfer-Encoding: ${'('.repeat(100_000)}base64\r\n\r\nbody`);
    const started = performance.now();
    expect(parseMessageSync(input).root.info.transferEncoding).toBe(`${'('.repeat(100_000)}base64`);
    expect(parseMessageSync(Buffer.from('Content-Transfer-Encoding: (old) base64 (x)\r\n\r\nx')).root.info.transferEncoding).toBe('');
    expect(parseMessageSync(Buffer.from('Content-Transfer-Encoding: base64 (comment)\r\n\r\nx')).root.info.transferEncoding).toBe('base64');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reads Content-Type once per part and again only after its headers change', () => {
    const m = parse(msg(['Content-Type: multipart/mixed; boundary=b', '', '--b', 'Content-Type: text/plain; charset=us-ascii', '', 'x', '--b--', '']));
    const part = m.findPart('1')!;
    expect(part.info).toBe(part.info);
    expect(Object.isFrozen(part.info)).toBe(true);
    part.headers.set('Content-Type', 'text/html; charset=utf-8', { raw: true });
    expect([part.mediaType, part.info.charset]).toEqual(['text/html', 'utf-8']);
    expect(m.findPart('')!.info.mediaType).toBe('multipart/mixed');
  });
});
