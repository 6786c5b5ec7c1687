/**
 * Patterns that took 37–194 s on about 30 characters with V8's backtracking engine, each with
 * the character its near-miss input repeats (the test and bench/patterns.ts share them).
 */
export const ADVERSARIAL_PATTERNS: readonly [pattern: string, char: string][] = [
  ['(a|a)*b', 'a'],
  ['((a+))+b', 'a'],
  ['(?:(?:a*))*b', 'a'],
  ['(a|aa)+b', 'a'],
  ['(?:a|a?)+b', 'a'],
  ['(\\d|\\d\\d)+x', '1'],
];
