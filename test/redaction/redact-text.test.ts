import { describe, expect, it } from 'vitest';
import { regexDetector, type Detector } from '../../lib/redaction/detector.js';
import { customRegexDetector } from '../../lib/redaction/custom-regex.js';
import { paymentCard, luhnValid } from '../../lib/redaction/detectors/payment-card.js';
import { RedactionError } from '../../lib/redaction/errors.js';
import { redactText } from '../../lib/redaction/redact-text.js';
import { BUILTIN_DETECTOR_IDS, getBuiltinDetector } from '../../lib/redaction/registry.js';

const all = BUILTIN_DETECTOR_IDS.map((id) => getBuiltinDetector(id)!);
/** A detector reporting fixed ranges of `abcdefgh` (while they still hold what they held there), for testing overlap resolution. */
const fixed = (id: string, ranges: [number, number][]): Detector => ({
  id,
  find: (t) =>
    ranges
      .filter(([start, end]) => t.slice(start, end) === 'abcdefgh'.slice(start, end) || start < 0 || end > t.length)
      .map(([start, end]) => ({ start, end, value: t.slice(start, end) })),
});

describe('redactText', () => {
  it('masks every detector with keep-last and counts per detector', () => {
    const text = 'card 4111 1111 1111 1111, ssn 123-45-6789, iban DE89 3704 0044 0532 0130 00, key AKIAIOSFODNN7EXAMPLE, mail jane@example.com';
    expect(redactText(text, all, { style: 'keep-last', keep: 4 })).toEqual({
      text: 'card **** **** **** 1111, ssn ***-**-6789, iban **** **** **** **** **30 00, key ****************MPLE, mail ****@******e.com',
      counts: { 'payment-card': 1, 'us-ssn': 1, iban: 1, 'aws-access-key-id': 1, 'email-address': 1 },
    });
  });

  it('masks with full replacements, default, custom and per-detector', () => {
    expect(redactText('a 4111111111111111 b', all, { style: 'full' }).text).toBe('a [REDACTED] b');
    expect(redactText('AKIAIOSFODNN7EXAMPLE', all, { style: 'full', replacement: '[KEY]' }).text).toBe('[KEY]');
    expect(redactText('x 123-45-6789 y jane@example.com', all, { style: 'full', replacement: '[REDACTED:{detector}]' }).text).toBe(
      'x [REDACTED:us-ssn] y [REDACTED:email-address]',
    );
  });

  it('leaves text without matches as it is, with empty counts', () => {
    expect(redactText('nothing 000-12-3456 4111111111111112', all, { style: 'full' })).toEqual({ text: 'nothing 000-12-3456 4111111111111112', counts: {} });
    expect(redactText('', all, { style: 'full' })).toEqual({ text: '', counts: {} });
    expect(redactText('x', [], { style: 'full' })).toEqual({ text: 'x', counts: {} });
  });

  it('resolves overlaps: earliest, then longest, then detector order', () => {
    const text = 'abcdefgh';
    const earliest = redactText(text, [fixed('late', [[1, 6]]), fixed('early', [[0, 2]])], { style: 'full', replacement: '<{detector}>' });
    expect(earliest).toEqual({ text: '<early>cdefgh', counts: { early: 1 } });
    const longest = redactText(text, [fixed('short', [[0, 2]]), fixed('long', [[0, 4]])], { style: 'full', replacement: '<{detector}>' });
    expect(longest.text).toBe('<long>efgh');
    const order = redactText(text, [fixed('first', [[2, 4]]), fixed('second', [[2, 4]])], { style: 'full', replacement: '<{detector}>' });
    expect(order).toEqual({ text: 'ab<first>efgh', counts: { first: 1 } });
    // An email that contains a card number wins as the earlier, longer match.
    expect(redactText('4111111111111111@example.com', all, { style: 'full', replacement: '<{detector}>' }).text).toBe('<email-address>');
  });

  it('drops bogus matches a detector reports', () => {
    const bogus = fixed('bogus', [
      [-1, 2],
      [3, 3],
      [5, 99],
      [1, 3],
    ]);
    expect(redactText('abcdef', [bogus], { style: 'full', replacement: '#' })).toEqual({ text: 'a#def', counts: { bogus: 1 } });
  });

  it('leaves URLs written in the text alone unless asked', () => {
    const text = 'see https://pay.example/?card=4111111111111111 and www.example.com/u/jane@example.com, or 4111111111111111';
    expect(redactText(text, all, { style: 'full' })).toEqual({
      text: 'see https://pay.example/?card=4111111111111111 and www.example.com/u/jane@example.com, or [REDACTED]',
      counts: { 'payment-card': 1 },
    });
    expect(redactText(text, all, { style: 'full' }, { urls: true }).counts).toEqual({ 'payment-card': 2, 'email-address': 1 });
  });

  it('refuses malformed masks with REDACTION_INVALID_MASK', () => {
    expect(() => redactText('x', all, { style: 'keep-last', keep: -2 })).toThrow(RedactionError);
    expect(() => redactText('x', all, { style: 'keep-last', keep: 4, maskChar: '9' })).toThrow(expect.objectContaining({ code: 'REDACTION_INVALID_MASK' }));
  });

  it('strengthens a keep-last mask whose kept tail would form a new card with the text after it', () => {
    // A = 4000 0000 00ab 4242 is a card; after masking, "4242 4242 4242 424c" would be one too.
    const tail = ['4242', '4242', '4242', '424'];
    let c = 0;
    while (!luhnValid(tail.join('') + c)) c++;
    let a = '';
    for (let ab = 0; ab < 100 && !a; ab++) {
      const digits = `4000000000${String(ab).padStart(2, '0')}4242`;
      if (luhnValid(digits)) a = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
    }
    const text = `${a} ${tail.slice(1).join(' ')}${c}`;
    expect(paymentCard.find(text).map((m) => m.value)).toEqual([a]);
    const once = redactText(text, [paymentCard], { style: 'keep-last', keep: 4 });
    expect(once).toEqual({ text: `**** **** **** **** ${tail.slice(1).join(' ')}${c}`, counts: { 'payment-card': 1 } });
    expect(redactText(once.text, [paymentCard], { style: 'keep-last', keep: 4 })).toEqual({ text: once.text, counts: {} });
  });

  it('masks matches that only appear once their neighbours are masked, and counts them', () => {
    // A trusted pattern: custom (RE2) patterns refuse lookbehind.
    const afterMask = regexDetector('after-mask', /(?<=\])!/);
    const once = redactText('4111111111111111!', [paymentCard, afterMask], { style: 'full' });
    expect(once).toEqual({ text: '[REDACTED][REDACTED]', counts: { 'payment-card': 1, 'after-mask': 1 } });
    expect(redactText(once.text, [paymentCard, afterMask], { style: 'full' }).counts).toEqual({});
  });

  it('falls back to the default replacement when a custom replacement is itself detected, and terminates when even that is', () => {
    const mask = { style: 'full', replacement: 'jane@example.com' } as const;
    const once = redactText('card 4111111111111111', all, mask);
    expect(once).toEqual({ text: 'card [REDACTED]', counts: { 'payment-card': 1 } });
    const selfish = customRegexDetector('selfish', '\\[REDACTED\\]');
    expect(redactText('[REDACTED]', [selfish], { style: 'full' })).toEqual({ text: '[REDACTED]', counts: { selfish: 1 } });
  });
});
