import { describe, expect, it } from 'vitest';
import { customPatternProblem, customRegexDetector } from '../../lib/redaction/custom-regex.js';
import { RedactionError } from '../../lib/redaction/errors.js';
import { userPatternProblem } from '../../lib/pattern/user-pattern.js';

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
    ['a lookahead only', '(?=a)', '', /lookahead \(\?=…\) is not supported: patterns run in linear time/],
    ['an optional group', '(?:TICKET-\\d+)?', '', /empty string/],
    ['a backreference', '(a+)\\1b', '', /backreferences like \\1 are not supported/],
    ['a lookbehind', '(?<=x)a', '', /lookbehind \(\?<=…\) is not supported/],
  ])('refuses %s with REDACTION_INVALID_PATTERN', (_name, pattern, flags, message) => {
    const err = thrown(() => customRegexDetector('x', pattern, flags));
    expect(err).toBeInstanceOf(RedactionError);
    expect(err).toMatchObject({ code: 'REDACTION_INVALID_PATTERN' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^detector "x": /);
    expect(customPatternProblem(pattern, flags)).toMatch(message);
  });

  it('runs a pattern that backtracks catastrophically in V8 in linear time', () => {
    // Ambiguous alternation: exponential on a near-miss for a backtracking engine; linear on RE2.
    const d = customRegexDetector('slow', '(?:a|a)*b');
    expect(values(d, 'aab')).toEqual(['aab']);
    for (const n of [40, 100_000]) {
      const started = performance.now();
      expect(d.find('a'.repeat(n))).toEqual([]);
      expect(performance.now() - started).toBeLessThan(1000);
    }
    const text = `${'a'.repeat(100_000)}b`;
    const started = performance.now();
    expect(d.find(text)).toEqual([{ start: 0, end: text.length, value: text }]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(values(d, 'ab')).toEqual(['ab']);
  });

  it('reports UTF-16 offsets around characters outside the BMP', () => {
    const text = '😀 TICKET-1 😀😀 ticket-22';
    const found = customRegexDetector('t', 'ticket-\\d+', 'i').find(text);
    expect(found.map((m) => m.value)).toEqual(['TICKET-1', 'ticket-22']);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.value);
    expect(found.map((m) => m.start)).toEqual([...text.matchAll(/ticket-\d+/giu)].map((m) => m.index));
  });
});

describe('nested quantifiers (refused by the old heuristic)', () => {
  const near = (p: string) => (p.includes('\\d') ? '1' : 'a').repeat(100_000);
  it.each(['(a+)+', '^(a+)+$', '(?:\\w+\\s?)*', '((ab)*c){2,}', '(x(a|b+))*', '(a*)*', '(?<n>\\d+)+', '(a{1,3})+'])(
    'accepts %s and runs it in linear time',
    (p) => {
      expect(userPatternProblem({ pattern: `${p}!` })).toBeUndefined();
      const d = customRegexDetector('n', `${p}!`);
      const started = performance.now();
      expect(d.find(near(p))).toEqual([]);
      expect(performance.now() - started).toBeLessThan(1000);
    },
  );

  it.each(['TICKET-\\d{4}', '(\\d{3}-)+\\d{4}', '(a+)', '(a+)?b', '([+*])+', '\\(a+\\)+', '[(a+)]+', '(ab){2}', '(?:a+){1}'])('accepts %s', (p) => {
    expect(customPatternProblem(p)).toBeUndefined();
  });
});
