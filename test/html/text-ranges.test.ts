import { describe, expect, it } from 'vitest';
import { findAttributeValueRanges, findTextRanges, findTextRuns } from '../../lib/html/text-ranges.js';

const texts = (html: string, ranges: { start: number; end: number }[]) => ranges.map((r) => html.slice(r.start, r.end));

describe('findTextRanges', () => {
  it('covers text outside tags, comments, scripts and styles', () => {
    const html =
      '<!DOCTYPE html><html><head><title>Subject</title><style>p { color: red }</style><script>var card = "4111";</script></head>' +
      '<body class="x>y"><p>Hello <b>there</b></p><!-- hidden --><template><p>tpl</p></template><iframe>fallback</iframe><p>bye</p></body></html>';
    expect(texts(html, findTextRanges(html))).toEqual(['Subject', 'Hello ', 'there', 'bye']);
  });

  it('keeps raw offsets and leaves references encoded; literal text-only elements are marked', () => {
    const html = '<p>4111&nbsp;1111</p><xmp>&amp;</xmp><textarea>a&amp;b</textarea>';
    expect(findTextRanges(html)).toEqual([
      { start: 3, end: 17, decode: 'text' },
      { start: 26, end: 31, decode: 'literal' },
      { start: 47, end: 54, decode: 'text' },
    ]);
  });

  it('includes the text of Outlook conditional comments unless told not to', () => {
    const html = '<p>a</p><!--[if mso]><table><tr><td>MSO only</td></tr></table><![endif]--><!--[if !mso]><!--><p>others</p><!--<![endif]-->';
    expect(texts(html, findTextRanges(html))).toEqual(['a', 'MSO only', 'others']);
    expect(texts(html, findTextRanges(html, { conditionalComments: false }))).toEqual(['a', 'others']);
  });

  it('survives unclosed comments, stray < and attributes with >', () => {
    const html = '<div title="a > b">x < y</div><p>z<!-- never closed <p>secret';
    expect(texts(html, findTextRanges(html))).toEqual(['x < y', 'z']);
  });

  it('treats CDATA as not text (as htmlparser2 does)', () => {
    const html = '<p>a<![CDATA[b]]>c</p>';
    expect(texts(html, findTextRanges(html))).toEqual(['a', 'c']);
  });
});

describe('findTextRuns', () => {
  it('joins text across inline tags and comments, and breaks at blocks and <br>', () => {
    const html = '<p>Card 4111 <b>1111</b><!-- x --> <span style="x">1111</span> 1111</p><p>next</p>line<br>break<td>cell</td>';
    const runs = findTextRuns(html).map((run) => texts(html, run.ranges).join('|'));
    expect(runs).toEqual(['Card 4111 |1111| |1111| 1111', 'next', 'line', 'break', 'cell']);
  });

  it('with attributes, makes each attribute value a run of its own, in order', () => {
    const html = '<p title="t1">a <a href="https://x/?q=1" data-e=\'e\' x=unq>b</a></p>';
    const runs = findTextRuns(html, { attributes: true }).map((run) => texts(html, run.ranges).join('|'));
    expect(runs).toEqual(['t1', 'a |b', 'https://x/?q=1', 'e', 'unq']);
    expect(
      findTextRuns(html, { attributes: true })
        .flatMap((r) => r.ranges)
        .find((r) => r.unquoted),
    ).toMatchObject({ decode: 'attribute' });
  });
});

describe('findAttributeValueRanges', () => {
  it('lists non-empty attribute values, also inside conditional comments', () => {
    const html = '<img alt="A card: 4111" src=x.png title=""><!--[if mso]><v:rect fillcolor="#fff"><![endif]--><!-- <a href="no"> -->';
    expect(texts(html, findAttributeValueRanges(html))).toEqual(['A card: 4111', 'x.png', '#fff']);
  });
});
