import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenizeHtml } from '../../lib/html/tokenize.js';
import { customRegexDetector } from '../../lib/redaction/custom-regex.js';
import { paymentCard } from '../../lib/redaction/detectors/payment-card.js';
import type { MaskStyle } from '../../lib/redaction/mask.js';
import { redactHtml, redactText } from '../../lib/redaction/redact-text.js';
import { BUILTIN_DETECTOR_IDS, getBuiltinDetector } from '../../lib/redaction/registry.js';
import { cardArb } from './cards.js';

/** Everything of a document but its visible text and (when redacted) attribute values. */
function hiddenParts(html: string): string[] {
  return tokenizeHtml(html).tokens.flatMap((t) => {
    if (t.type === 'text') return t.element && !['title', 'textarea', 'xmp', 'plaintext'].includes(t.element) ? [html.slice(t.start, t.end)] : [];
    if (t.type === 'start-tag') return [t.name, ...t.attributes.map((a) => a.name)];
    // Outlook conditional comments hold text that is redacted like any other.
    if (t.type === 'comment' && html.startsWith('<!--[if', t.start)) return [];
    return [html.slice(t.start, t.end)];
  });
}

const builtins = BUILTIN_DETECTOR_IDS.map((id) => getBuiltinDetector(id)!);

const maskArb: fc.Arbitrary<MaskStyle> = fc.oneof(
  fc.constant<MaskStyle>({ style: 'full' }),
  fc.constantFrom<MaskStyle>(
    { style: 'full', replacement: '[REDACTED:{detector}]' },
    { style: 'full', replacement: '' },
    { style: 'full', replacement: 'XXXX' },
  ),
  fc.record({ style: fc.constant('keep-last' as const), keep: fc.integer({ min: 0, max: 8 }), maskChar: fc.constantFrom('*', '#', '•', '-', '.') }),
);

/** Filler text without digits, so the only card numbers are the ones embedded. */
const fillerArb = fc.string({ maxLength: 20, unit: fc.constantFrom(...Array.from('abcXYZ @.-_:;,()&<>\n\u00a0äé€😀')) });

/** Sensitive-looking snippets, valid or nearly, to mix into random text. */
const snippetArb = fc.oneof(
  cardArb.map((c) => c.text),
  fc.constantFrom(
    '123-45-6789',
    '123 45 6789',
    'SSN 536221234',
    '000-12-3456',
    'GB82 WEST 1234 5698 7654 32',
    'DE89370400440532013000',
    'GB83WEST12345698765432',
    'AKIAIOSFODNN7EXAMPLE',
    'jane.doe@example.com',
    'a@b.co',
    'https://x.example/?c=4111111111111111',
    '4242 4242 4242',
    '1111',
    '12 34',
  ),
  fc.string({ maxLength: 12, unit: fc.constantFrom(...'0123456789 -'.split('')) }),
  fc.string({ maxLength: 8 }),
);
const messyTextArb = fc
  .array(snippetArb, { maxLength: 10 })
  .chain((parts) =>
    fc
      .array(fc.constantFrom('', ' ', '-', '\n', 'x', '@', '.'), { minLength: parts.length, maxLength: parts.length })
      .map((seps) => parts.map((p, i) => p + seps[i]).join('')),
  );

describe('redaction properties', () => {
  it('(a) every embedded Luhn-valid card is masked and counted, and none is left', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fillerArb, cardArb), { maxLength: 6 }), fillerArb, maskArb, (chunks, tail, mask) => {
        const text = chunks.map(([filler, card]) => `${filler} ${card.text} `).join('') + tail;
        const out = redactText(text, builtins, mask);
        expect(paymentCard.find(out.text)).toEqual([]);
        expect(out.counts['payment-card'] ?? 0).toBe(chunks.length);
        for (const [, card] of chunks) expect(out.text).not.toContain(card.text);
      }),
      { numRuns: 300 },
    );
  });

  it('(b) redacting text twice changes nothing the second time, whatever the mask', () => {
    fc.assert(
      fc.property(messyTextArb, maskArb, fc.boolean(), (text, mask, urls) => {
        const once = redactText(text, builtins, mask, { urls });
        expect(redactText(once.text, builtins, mask, { urls })).toEqual({ text: once.text, counts: {} });
      }),
      { numRuns: 400 },
    );
  });

  it('(b) redacting HTML twice changes nothing the second time, and only text changes', () => {
    const markup = fc.constantFrom(
      '<b>',
      '</b>',
      '<span class="a">',
      '</span>',
      '<p>',
      '</p>',
      '<br>',
      '<!-- c -->',
      '&nbsp;',
      '&#52;',
      '&amp;',
      '&#x2d;',
      '&co',
      '&',
      '<',
      '</',
      '<a title="4111111111111111">',
      '<img alt=4111111111111111>',
      '</a>',
      '<script>"4111111111111111"</script>',
      '<style>',
      '</style>',
      '<!--[if mso]><p>',
      '</p><![endif]-->',
      '<!--',
      '-->',
      '<?',
      '<xmp>',
      '</xmp>',
      '<title>',
      '</title>',
    );
    const htmlArb = fc.array(fc.oneof(snippetArb, markup), { maxLength: 14 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(htmlArb, maskArb, fc.boolean(), (html, mask, attributes) => {
        const once = redactHtml(html, builtins, mask, { attributes });
        expect(redactHtml(once.html, builtins, mask, { attributes })).toEqual({ html: once.html, counts: {} });
        // Markup, scripts and comments are never touched: only text (and attribute values) change.
        expect(hiddenParts(once.html)).toEqual(hiddenParts(html));
      }),
      { numRuns: 400 },
    );
  });

  it('(d) detectors never throw and stay fast on arbitrary input', () => {
    const custom = customRegexDetector('ticket', '[A-Z]{2,}-\\d{3,}');
    const detectors = [...builtins, custom];
    const inputArb = fc.oneof(
      fc.string({ maxLength: 3000 }),
      fc.string({ maxLength: 3000, unit: 'binary' }),
      fc.string({ maxLength: 3000, unit: fc.constantFrom(...'0123456789 -\u00a0'.split('')) }),
      fc.string({ maxLength: 3000, unit: fc.constantFrom(...'aZ09@.-_+ SsNn#'.split('')) }),
      fc.string({ maxLength: 3000, unit: fc.constantFrom(...'AKIASGBDE0123456789 '.split('')) }),
    );
    let slowest = 0;
    fc.assert(
      fc.property(inputArb, (s) => {
        for (const d of detectors) {
          const started = performance.now();
          const matches = d.find(s);
          slowest = Math.max(slowest, performance.now() - started);
          for (const m of matches) expect(s.slice(m.start, m.end)).toBe(m.value);
          for (let i = 1; i < matches.length; i++) expect(matches[i]!.start).toBeGreaterThanOrEqual(matches[i - 1]!.end);
        }
      }),
      { numRuns: 250 },
    );
    expect(slowest).toBeLessThan(250);
  });
});
