import { describe, expect, it } from 'vitest';
import { tokenizeHtml, type HtmlToken } from '../../lib/html/tokenize.js';

const show = (html: string) => tokenizeHtml(html).tokens.map((t) => `${t.type}:${html.slice(t.start, t.end)}`);

describe('tokenizeHtml', () => {
  it('reports tags, text, comments and doctypes with exact offsets', () => {
    const html = '<!DOCTYPE html><HTML><Body class="a>b" data-x=\'</body>\'>Hi &amp; bye<!-- </body> --></BODY  foo>\n</html >';
    expect(show(html)).toEqual([
      'doctype:<!DOCTYPE html>',
      'start-tag:<HTML>',
      'start-tag:<Body class="a>b" data-x=\'</body>\'>',
      'text:Hi &amp; bye',
      'comment:<!-- </body> -->',
      'end-tag:</BODY  foo>',
      'text:\n',
      'end-tag:</html >',
    ]);
    const body = tokenizeHtml(html).tokens[2] as Extract<HtmlToken, { type: 'start-tag' }>;
    expect(body.name).toBe('body');
    expect(body.attributes.map((a) => [a.name, html.slice(a.valueStart, a.valueEnd), a.quote])).toEqual([
      ['class', 'a>b', 'double'],
      ['data-x', '</body>', 'single'],
    ]);
  });

  it('reads script, style, title, textarea, xmp and plaintext content as text of that element', () => {
    const html = '<script>if (a</body>) x</script><style>p{}</style><title>a<b></title><textarea></body></textarea><xmp><b></xmp><plaintext><b>x';
    const texts = tokenizeHtml(html).tokens.filter((t) => t.type === 'text');
    expect(texts.map((t) => [html.slice(t.start, t.end), t.type === 'text' ? t.element : undefined])).toEqual([
      ['if (a</body>) x', 'script'],
      ['p{}', 'style'],
      ['a<b>', 'title'],
      ['</body>', 'textarea'],
      ['<b>', 'xmp'],
      ['<b>x', 'plaintext'],
    ]);
  });

  it('knows bogus comments, CDATA, abrupt comments and processing instructions', () => {
    expect(show('a<?xml version="1.0"?>b<![CDATA[ </body> ]]>c<!-->d<!--->e<!x>f</ y>g')).toEqual([
      'text:a',
      'comment:<?xml version="1.0"?>',
      'text:b',
      'comment:<![CDATA[ </body> ]]>',
      'text:c',
      'comment:<!-->',
      'text:d',
      'comment:<!--->',
      'text:e',
      'comment:<!x>',
      'text:f',
      'comment:</ y>',
      'text:g',
    ]);
  });

  it('reports attribute values of every quoting style, and attributes without values', () => {
    const html = '<img alt=a&amp;b title="" src=\'x\' hidden>';
    const tag = tokenizeHtml(html).tokens[0] as Extract<HtmlToken, { type: 'start-tag' }>;
    expect(tag.attributes.map((a) => [a.name, a.valueStart < 0 ? null : html.slice(a.valueStart, a.valueEnd), a.quote])).toEqual([
      ['alt', 'a&amp;b', 'unquoted'],
      ['title', '', 'double'],
      ['src', 'x', 'single'],
      ['hidden', null, 'none'],
    ]);
  });

  it.each([
    ['an unterminated comment', '<p>hi <!-- unclosed </body>', 6],
    ['an unterminated script', '<body><script>var a = "</p>";', 6],
    ['an unterminated start tag', '<body>t<div class="x', 7],
    ['an end tag without >', '<body>x</body', 7],
    ['an end tag without > after a space', '<body>x</body ', 7],
    ['plaintext', '<p>a</p><plaintext><b>x', 8],
    ['a trailing </', '<p>a</p></', 8],
    ['nothing', '<p>a</p>', 8],
  ])('openEnd stops before %s', (_name, html, openEnd) => {
    expect(tokenizeHtml(html).openEnd).toBe(openEnd);
  });
});
