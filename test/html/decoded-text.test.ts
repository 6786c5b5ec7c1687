import { describe, expect, it } from 'vitest';
import { applyRawEdits, decodeRun, toRawEdits, type DecodedEdit } from '../../lib/html/decoded-text.js';
import { escapeHtml, escapeHtmlAscii } from '../../lib/html/escape.js';
import { findTextRuns, type TextRange } from '../../lib/html/text-ranges.js';

const decode = (html: string, decode: TextRange['decode'] = 'text') => decodeRun(html, { ranges: [{ start: 0, end: html.length, decode }] });

/** Decodes the first run of `html`, applies edits at the first occurrence of `needle`. */
function editFirst(html: string, needle: string, replacement: string, aligned = false): string {
  const run = findTextRuns(html)[0]!;
  const decoded = decodeRun(html, run);
  const start = decoded.text.indexOf(needle);
  expect(start, `"${needle}" in ${JSON.stringify(decoded.text)}`).toBeGreaterThanOrEqual(0);
  const edit: DecodedEdit = { start, end: start + needle.length, replacement, aligned };
  return applyRawEdits(html, toRawEdits(html, decoded, [edit]));
}

describe('decodeRun', () => {
  it('decodes named, numeric and legacy references with a map back to the raw characters', () => {
    const html = '4111&nbsp;1&#49;&#x31;1 &amp AT&T &foo; &fjlig; &#x1F600; &#0;';
    const d = decode(html);
    expect(d.text).toBe('4111\u00a01111 & AT&T &foo; fj \u{1F600} \ufffd');
    const at = (i: number) => html.slice(d.rawStart[i]!, d.rawEnd[i]!);
    expect(at(4)).toBe('&nbsp;');
    expect(at(6)).toBe('&#49;');
    expect(at(7)).toBe('&#x31;');
    expect(at(d.text.indexOf('fj'))).toBe('&fjlig;');
    expect(at(d.text.indexOf('fj') + 1)).toBe('&fjlig;');
    expect(at(d.text.indexOf('\u{1F600}') + 1)).toBe('&#x1F600;');
    expect(at(d.text.indexOf('&foo;'))).toBe('&');
  });

  it('reads attribute values as browsers do: `&copy=` stays literal there', () => {
    expect(decode('?a=1&copy=2&amp;x &copy;', 'attribute').text).toBe('?a=1&copy=2&x ©');
    expect(decode('?a=1&copy=2', 'text').text).toBe('?a=1©=2');
  });

  it('does not decode literal ranges and treats < in RCDATA as text', () => {
    expect(decode('&amp;', 'literal').text).toBe('&amp;');
    expect(decode('a<b>&amp;</b>').text).toBe('a<b>&</b>');
  });

  it('joins the ranges of a run', () => {
    const html = '<p>4111 <b>&#49;111</b> 1111</p>';
    expect(decodeRun(html, findTextRuns(html)[0]!).text).toBe('4111 1111 1111');
  });
});

describe('toRawEdits / applyRawEdits', () => {
  it('spreads an aligned mask over the raw characters, keeping references and tags', () => {
    const html = '<p>4111&nbsp;1111 <b>&#49;111</b> 1111</p>';
    expect(editFirst(html, '4111\u00a01111 1111 1111', '****\u00a0**** **** 1111', true)).toBe('<p>****&nbsp;**** <b>****</b> 1111</p>');
  });

  it('puts any other replacement where the match starts and removes the rest', () => {
    const html = '<p>Card 4111&nbsp;1111 <b>&#49;111</b> 1111.</p>';
    expect(editFirst(html, '4111\u00a01111 1111 1111', '[REDACTED]')).toBe('<p>Card [REDACTED]<b></b>.</p>');
  });

  it('widens an edit that cuts through a reference, keeping the rest of it', () => {
    expect(editFirst('<p>a&fjlig;b</p>', 'jb', 'XY')).toBe('<p>afXY</p>');
  });

  it('escapes what it inserts for where it goes', () => {
    expect(editFirst('<p>x</p>', 'x', '<&>"•')).toBe('<p>&lt;&amp;&gt;&quot;&#x2022;</p>');
    const html = '<a title=secret>x</a>';
    const run = findTextRuns(html, { attributes: true })[0]!;
    expect(applyRawEdits(html, toRawEdits(html, decodeRun(html, run), [{ start: 0, end: 6, replacement: 'a b=c' }]))).toBe('<a title=a&#x20;b&#x3D;c>x</a>');
    const xmp = '<xmp>secret</xmp>';
    const literal = findTextRuns(xmp)[0]!;
    expect(applyRawEdits(xmp, toRawEdits(xmp, decodeRun(xmp, literal), [{ start: 0, end: 6, replacement: '<x>' }]))).toBe('<xmp><x></xmp>');
  });

  it('never lets a replacement or deletion turn a text < or & into markup or a reference', () => {
    expect(editFirst('<p>a <4000000000006<b>x</b></p>', '4000000000006', 'XXXX')).toBe('<p>a <&#x58;XXX<b>x</b></p>');
    expect(editFirst('<p>a <123b</p>', '123', '')).toBe('<p>a &lt;b</p>');
    expect(editFirst('<p>a <123 b</p>', '123', '')).toBe('<p>a < b</p>');
    expect(editFirst('<p>AT&123x</p>', '123', 'amp;')).toBe('<p>AT&&#x61;mp;x</p>');
    expect(editFirst('<p>AT&co123</p>', '123', 'py;')).toBe('<p>AT&co&#x70;y;</p>');
    expect(editFirst('<p>AT&co123y;</p>', '123', '')).toBe('<p>AT&amp;coy;</p>');
    expect(editFirst('<p>&41</p>', '4', '#', true)).toBe('<p>&&#x23;1</p>');
    // Two edits: the second deletes after raw text that follows the first; no overlap.
    const html = '<p>&x123b</p>';
    const decoded = decodeRun(html, findTextRuns(html)[0]!);
    const edits = toRawEdits(html, decoded, [
      { start: 1, end: 2, replacement: 'Y' },
      { start: 2, end: 5, replacement: '' },
    ]);
    expect(applyRawEdits(html, edits)).toBe('<p>&&#x59;b</p>');
  });

  it('leaves unchanged characters alone and refuses overlapping edits', () => {
    expect(editFirst('<p>1&#50;3</p>', '123', '1*3', true)).toBe('<p>1*3</p>');
    expect(editFirst('<p>1&#50;3</p>', '123', '123', true)).toBe('<p>1&#50;3</p>');
    expect(() =>
      applyRawEdits('abcdef', [
        { start: 1, end: 3, text: '' },
        { start: 2, end: 4, text: '' },
      ]),
    ).toThrow(RangeError);
  });
});

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml('Grüße')).toBe('Grüße');
  });

  it('escapeHtmlAscii also writes non-ASCII (astral too) as references', () => {
    expect(escapeHtmlAscii('Grüße 😀 <x>')).toBe('Gr&#xFC;&#xDF;e &#x1F600; &lt;x&gt;');
    expect(escapeHtmlAscii('a b', { unquotedAttribute: true })).toBe('a&#x20;b');
  });
});
