import { describe, expect, it } from 'vitest';
import { paymentCard } from '../../lib/redaction/detectors/payment-card.js';
import { redactHtml } from '../../lib/redaction/redact-text.js';
import { BUILTIN_DETECTOR_IDS, getBuiltinDetector } from '../../lib/redaction/registry.js';

const all = BUILTIN_DETECTOR_IDS.map((id) => getBuiltinDetector(id)!);
const full = { style: 'full' } as const;
const last4 = { style: 'keep-last', keep: 4 } as const;

describe('redactHtml', () => {
  it('masks text and leaves tags, attributes, URLs, comments, scripts and styles alone', () => {
    const html =
      '<html><head><title>t</title><style>.x{background:url(4111111111111111.png)}</style></head>' +
      '<body data-card="4111111111111111"><p title="4111111111111111">Card 4111 1111 1111 1111 ' +
      '<a href="https://x.example/?c=4111111111111111">https://x.example/?c=4111111111111111</a></p>' +
      '<script>var c = "4111111111111111";</script><!-- 4111111111111111 --><img alt=4111111111111111></body></html>';
    const r = redactHtml(html, all, full);
    expect(r).toEqual({ html: html.replace('Card 4111 1111 1111 1111', 'Card [REDACTED]'), counts: { 'payment-card': 1 } });
  });

  it('redacts attribute values when asked, URLs in them only with urls', () => {
    const html = '<p title="4111111111111111">x</p><a href="https://x.example/?c=4111111111111111">y</a><img alt=4111111111111111>';
    expect(redactHtml(html, all, full, { attributes: true })).toEqual({
      html: '<p title="[REDACTED]">x</p><a href="https://x.example/?c=4111111111111111">y</a><img alt=[REDACTED]>',
      counts: { 'payment-card': 2 },
    });
    expect(redactHtml(html, all, full, { attributes: true, urls: true }).counts).toEqual({ 'payment-card': 3 });
    const mailto = '<a href="mailto:jane@example.com">write</a>';
    expect(redactHtml(mailto, all, full, { attributes: true }).html).toBe('<a href="mailto:[REDACTED]">write</a>');
  });

  it('escapes masks for unquoted attribute values', () => {
    const html = '<img alt=4111111111111111>';
    expect(redactHtml(html, all, { style: 'full', replacement: '[card removed]' }, { attributes: true }).html).toBe('<img alt=[card&#x20;removed]>');
  });

  it('finds numbers written with character references and replaces the raw span', () => {
    const cases: [string, string][] = [
      ['<p>Card 4111&nbsp;1111&nbsp;1111&nbsp;1111.</p>', '<p>Card [REDACTED].</p>'],
      ['<p>&#52;111 1111 1111 1111</p>', '<p>[REDACTED]</p>'],
      ['<p>4111&#x20;1111&#32;1111&#x20;1111</p>', '<p>[REDACTED]</p>'],
      ['<p>SSN&#58; 123&#45;45&#x2d;6789</p>', '<p>SSN&#58; [REDACTED]</p>'],
      ['<p>jane&#64;example&period;com</p>', '<p>[REDACTED]</p>'],
    ];
    for (const [html, expected] of cases) expect(redactHtml(html, all, full).html, html).toBe(expected);
  });

  it('keep-last keeps references and tags that the mask does not change', () => {
    expect(redactHtml('<p>4111&nbsp;1111&nbsp;1111&nbsp;1111</p>', all, last4).html).toBe('<p>****&nbsp;****&nbsp;****&nbsp;1111</p>');
    expect(redactHtml('<p>4111 <b>1111</b> <span style="x">1111</span> &#49;111</p>', all, last4).html).toBe(
      '<p>**** <b>****</b> <span style="x">****</span> &#49;111</p>',
    );
  });

  it('finds numbers split by inline tags and comments, but not across blocks', () => {
    const html = '<p>Card <b>4111</b> 1111<!-- x --> 1111 <i>1111</i></p><p>4111 1111</p><p>1111 1111</p>';
    expect(redactHtml(html, all, full)).toEqual({
      html: '<p>Card <b>[REDACTED]</b><!-- x --><i></i></p><p>4111 1111</p><p>1111 1111</p>',
      counts: { 'payment-card': 1 },
    });
  });

  it('redacts text inside Outlook conditional comments, and title text', () => {
    const html = '<title>SSN 123-45-6789</title><!--[if mso]><p>4111111111111111</p><![endif]--><!-- 4111111111111111 -->';
    expect(redactHtml(html, all, full)).toEqual({
      html: '<title>SSN [REDACTED]</title><!--[if mso]><p>[REDACTED]</p><![endif]--><!-- 4111111111111111 -->',
      counts: { 'us-ssn': 1, 'payment-card': 1 },
    });
  });

  it('escapes masks and writes non-ASCII mask characters as references', () => {
    expect(redactHtml('<p>4111111111111111</p>', all, { style: 'full', replacement: '<removed & gone>' }).html).toBe('<p>&lt;removed &amp; gone&gt;</p>');
    expect(redactHtml('<p>4111111111111111</p>', all, { style: 'keep-last', keep: 4, maskChar: '•' }).html).toBe(`<p>${'&#x2022;'.repeat(12)}1111</p>`);
  });

  it('changes nothing outside the matches, and nothing at all without matches', () => {
    const html = '<!DOCTYPE html>\r\n<HTML><Body>\r\n<p class=a>Hi 4111-1111-1111-1111 there</P>\r\n</BODY></HTML>\r\n';
    const out = redactHtml(html, all, last4).html;
    const at = html.indexOf('4111');
    expect(out.slice(0, at)).toBe(html.slice(0, at));
    expect(out.slice(at + 19)).toBe(html.slice(at + 19));
    const clean = '<p>nothing <b>to</b> see &amp; here</p><!-- 4111111111111111 -->';
    expect(redactHtml(clean, all, full)).toEqual({ html: clean, counts: {} });
  });

  it('is idempotent', () => {
    const html = '<p>4111 <b>1111</b> 1111 1111 and 123-45-6789 and <a href="mailto:a@b.example">a@b.example</a></p>';
    for (const mask of [full, last4, { style: 'full', replacement: '[{detector}]' } as const]) {
      const once = redactHtml(html, all, mask, { attributes: true });
      expect(redactHtml(once.html, all, mask, { attributes: true })).toEqual({ html: once.html, counts: {} });
      expect(paymentCard.find(once.html)).toEqual([]);
    }
  });
});
