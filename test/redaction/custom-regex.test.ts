import { describe, expect, it } from 'vitest';
import { customPatternProblem, customRegexDetector } from '../../lib/redaction/custom-regex.js';
import { RedactionError } from '../../lib/redaction/errors.js';
import { regexSafetyProblem } from '../../lib/redaction/regex-safety.js';

const values = (d: { find(t: string): { value: string }[] }, text: string) => d.find(text).map((m) => m.value);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('customRegexDetector', () => {
  it('finds all matches with offsets, whatever flags it was given', () => {
    const d = customRegexDetector('ticket', 'TICKET-\\d{4}');
    expect(d.id).toBe('ticket');
    expect(d.find('see TICKET-1234 and TICKET-5678')).toEqual([
      { start: 4, end: 15, value: 'TICKET-1234' },
      { start: 20, end: 31, value: 'TICKET-5678' },
    ]);
    expect(values(customRegexDetector('t', 'ticket-\\d{4}', 'gi'), 'Ticket-1234 TICKET-9999')).toEqual(['Ticket-1234', 'TICKET-9999']);
    // Repeated calls do not share state.
    expect(values(d, 'TICKET-0001')).toEqual(['TICKET-0001']);
    expect(values(d, 'TICKET-0001')).toEqual(['TICKET-0001']);
  });

  it.each([
    ['an invalid pattern', '(', '', /invalid regular expression/],
    ['invalid flags', 'a', 'x', /flags/],
    ['the sticky flag', 'a', 'y', /flags/],
    ['a pattern matching the empty string', 'a*', '', /empty string/],
    ['a bare word boundary', '\\b', '', /empty string/],
    ['a lookahead only', '(?=a)', '', /empty string/],
    ['an optional group', '(?:TICKET-\\d+)?', '', /empty string/],
    ['nested quantifiers', '(a+)+b', '', /exponential/],
  ])('refuses %s with REDACTION_INVALID_PATTERN', (_name, pattern, flags, message) => {
    const err = thrown(() => customRegexDetector('x', pattern, flags));
    expect(err).toBeInstanceOf(RedactionError);
    expect(err).toMatchObject({ code: 'REDACTION_INVALID_PATTERN' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^detector "x": /);
    expect(customPatternProblem(pattern, flags)).toMatch(message);
  });

  it('stops a pattern that backtracks catastrophically with REDACTION_PATTERN_TIMEOUT', () => {
    // Ambiguous alternation: not caught by the static check, exponential on a near-miss.
    const d = customRegexDetector('slow', '(?:a|a)*b', '', { timeoutMs: 50 });
    expect(values(d, 'aab')).toEqual(['aab']);
    const started = performance.now();
    const err = thrown(() => d.find('a'.repeat(40)));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(RedactionError);
    expect(err).toMatchObject({ code: 'REDACTION_PATTERN_TIMEOUT' });
    expect((err as Error).message).toMatch(/detector "slow": .* took longer than 50 ms on a 40-character text/);
    // The detector still works afterwards.
    expect(values(d, 'ab')).toEqual(['ab']);
  });
});

describe('regexSafetyProblem', () => {
  it.each(['(a+)+', '^(a+)+$', '(?:\\w+\\s?)*', '((ab)*c){2,}', '(x(a|b+))*', '(a*)*', '(?<n>\\d+)+', '(a{1,3})+'])('flags %s', (p) => {
    expect(regexSafetyProblem(p)).toBe('nested quantifiers like (a+)+ can take exponential time; rewrite the pattern');
  });

  it.each(['TICKET-\\d{4}', '(\\d{3}-)+\\d{4}', '(a+)', '(a+)?', '([+*])+', '\\(a+\\)+', '[(a+)]+', '(ab){2}', '(?:a+){1}'])('accepts %s', (p) => {
    expect(regexSafetyProblem(p)).toBeUndefined();
  });
});
