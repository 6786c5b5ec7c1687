import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findInsertionPoint, insertHtmlFragment } from '../../lib/html/body-insertion.js';
import { tokenizeHtml } from '../../lib/html/tokenize.js';

const FRAGMENT = '<div data-x="1">Disclaimer &amp; co</div>';

/**
 * Inserts and checks that the fragment landed where `^` marks in `marked` (which is the
 * document with one `^` added), and that every other character is unchanged.
 */
function expectInsertion(marked: string, position: 'top' | 'bottom'): void {
  const at = marked.indexOf('^');
  expect(at, 'test case needs a ^').toBeGreaterThanOrEqual(0);
  const html = marked.slice(0, at) + marked.slice(at + 1);
  const out = insertHtmlFragment(html, FRAGMENT, position);
  expect(findInsertionPoint(html, position)).toBe(at);
  expect(out.slice(0, at)).toBe(html.slice(0, at));
  expect(out.slice(at, at + FRAGMENT.length)).toBe(FRAGMENT);
  expect(out.slice(at + FRAGMENT.length)).toBe(html.slice(at));
}

describe('insertHtmlFragment: top', () => {
  it.each([
    ['after <body>', '<html><head><title>t</title></head><body class="x">^<p>Hi</p></body></html>'],
    ['after the first of several <body> tags', '<body>^a</body><body>b</body>'],
    ['after an upper-case <BODY> with > in an attribute', '<HTML><BODY STYLE="a>b" onload=\'x<y\'>^Hi</BODY></HTML>'],
    ['after a self-closing <body/>', '<body/>^Hi'],
    ['not after <body> inside a comment', '<!-- <body> --><body>^Hi'],
    ['not after <body> inside a conditional comment', '<!--[if mso]><body class="mso"><![endif]--><body>^Hi'],
    [
      'not after <body> inside a script, style, textarea or title',
      '<script>"<body>"</script><style>/*<body>*/</style><title><body></title><textarea><body></textarea><body>^x',
    ],
    ['not after <body> inside an attribute value', '<meta content="<body>"><body>^x'],
    ['after </head> without <body>', '<html><head><style>p{}</style></head>^<p>Hi</p></html>'],
    ['after <html> without <head>/<body>', '<!DOCTYPE html><html lang="en">^<p>Hi</p></html>'],
    ['at the start of a bare fragment', '^<p>Hi</p>'],
    ['at the start of plain text', '^Hello'],
    ['after a doctype', '<!doctype html>^<p>Hi</p>'],
    [
      'after a BOM, XML declaration and doctype',
      '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">^\n<p>Hi</p>',
    ],
    ['before a leading comment (not a prolog)', '^<!-- saved from url --><p>Hi</p>'],
    ['at 0 in an empty document', '^'],
    ['after <body> even if a comment is never closed', '<body>^Hi <!-- oops'],
  ])('%s', (_name, marked) => expectInsertion(marked, 'top'));
});

describe('insertHtmlFragment: bottom', () => {
  it.each([
    ['before </body>', '<html><body><p>Hi</p>^</body></html>'],
    ['before the last of several </body> tags', '<body>a</body><body>b^</body></html>'],
    ['before an upper-case </BODY > with junk', '<BODY>x^</BODY  foo="bar">'],
    ['not before </body> inside a comment', '<html><body><p>Hello there</p><!-- </body> -->^</body></html>'],
    ['not before </body> inside a script', '<body><script>document.write("</body>")</script>^</body>'],
    ['not before </body> inside a style', '<body><style>/* </body> */</style>^</body>'],
    ['not before </body> inside CDATA', '<body><![CDATA[ </body> ]]>^</body>'],
    ['not before </body> inside an attribute value', '<body><a title="</body>" href=\'</body>\'>x</a>^</body>'],
    ['not before </body> inside a textarea', '<body><textarea></body></textarea>^</body>'],
    ['not before </body> inside a conditional comment', '<body>x^</body><!--[if mso]></body><![endif]-->'],
    ['before </body> with text after </html>', '<html><body>x^</body></html>\n<img src="pixel.gif">'],
    ['before </html> without </body>', '<html><body>x^</html>'],
    ['at the end without </body> or </html>', '<p>Hi</p>^'],
    ['at the end of plain text', 'Hello^'],
    ['before an unterminated comment at the end', '<body>Hi ^<!-- unclosed </body>'],
    ['before an unterminated conditional comment', '<body>Hi ^<!--[if mso]><p>x</p>'],
    ['before an unterminated script at the end', '<body>Hi ^<script>var a = "</p>";'],
    ['before an incomplete tag at the end', '<body>Hi ^<img src="x'],
    ['before a trailing </', '<p>a</p>^</'],
    ['before plaintext', '<p>a</p>^<plaintext></body>'],
    ['at the end when </body> comes before <body>', '<html></body><body>x^'],
    ['at 0 in an empty document', '^'],
  ])('%s', (_name, marked) => expectInsertion(marked, 'bottom'));
});

/** Pieces of messy mail HTML: real tags, fake tags in comments/scripts/attributes, junk. */
const piece = fc.constantFrom(
  '<html>',
  '</html>',
  '<HTML lang="en">',
  '<head>',
  '</head>',
  '<title>t</title>',
  '<body>',
  '<BODY bgcolor=white>',
  '</body>',
  '</BODY >',
  '<body/>',
  '<p>',
  '</p>',
  'Hello ',
  'a < b ',
  'AT&T ',
  '&nbsp;',
  '&amp',
  '<!-- </body> -->',
  '<!-- <body> -->',
  '<!--[if mso]><body><![endif]-->',
  '<script>"</body>"</script>',
  '<style>b{}</style>',
  '<div title="</body>">',
  '</div>',
  '<![CDATA[</body>]]>',
  '<!DOCTYPE html>',
  '\ufeff',
  '\n',
  '<br/>',
  '<a href="x?a=1&b=2">',
  '</a>',
  '<textarea></body></textarea>',
  '<!--',
  '-->',
  '<script>',
  '</script>',
  '<',
  '</',
  '<!',
  '>',
  '"',
  "'",
  '<img src="x',
  '<plaintext>',
);
const documentArb = fc.array(piece, { maxLength: 14 }).map((p) => p.join(''));

describe('insertHtmlFragment (properties)', () => {
  it('removing the fragment again gives back the original, and the fragment is real markup', () => {
    fc.assert(
      fc.property(documentArb, fc.constantFrom<'top' | 'bottom'>('top', 'bottom'), (html, position) => {
        const at = findInsertionPoint(html, position);
        const out = insertHtmlFragment(html, FRAGMENT, position);
        expect(out.slice(0, at) + out.slice(at + FRAGMENT.length)).toBe(html);
        expect(out.slice(at, at + FRAGMENT.length)).toBe(FRAGMENT);
        // Never inside a comment, script, style or tag: the tokenizer sees our <div> as a tag
        // and its text as visible text.
        const tokens = tokenizeHtml(out).tokens;
        const div = tokens.find((t) => t.type === 'start-tag' && t.start === at);
        expect(div, `fragment not parsed as a tag in ${JSON.stringify(out)}`).toBeDefined();
        const text = tokens.find((t) => t.type === 'text' && t.start === at + FRAGMENT.indexOf('Disclaimer'));
        expect(text && text.type === 'text' ? text.element : 'missing').toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
