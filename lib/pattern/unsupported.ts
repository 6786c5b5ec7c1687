import { re2js } from './re2.js';

/** Appended to refusals of constructs a backtracking engine needs and RE2 leaves out on purpose. */
const LINEAR = 'patterns run in linear time (RE2 syntax)';

/**
 * A message naming what re2js refused to compile, in terms a JavaScript regex author knows:
 * `backreferences like \1 are not supported: patterns run in linear time (RE2 syntax)`.
 * Anything not recognised keeps re2js's own description and the offending text.
 */
export function explainCompileError(err: unknown): string {
  if (!(err instanceof re2js().RE2JSSyntaxException)) return `invalid regular expression (RE2 syntax): ${(err as Error).message}`;
  const what = err.getDescription();
  const where = err.getPattern() ?? '';
  if (what === 'invalid escape sequence') {
    if (/^\\[1-9]/.test(where)) return `backreferences like ${where} are not supported: ${LINEAR}`;
    if (where === '\\k') return `named backreferences like \\k<name> are not supported: ${LINEAR}`;
    if (where === '\\u') return 'invalid escape \\u: write \\uXXXX with four hex digits, \\u{X…} or \\x{X…}';
  }
  if (what === 'invalid or unsupported Perl syntax') {
    if (where === '(?=' || where === '(?!') return `lookahead ${where}…) is not supported: ${LINEAR}`;
    if (where === '(?>') return `atomic groups (?>…) are not supported: ${LINEAR}`;
  }
  // The parser reads `(?<` as the start of a named group and reports the rest of the pattern.
  if (what === 'invalid named capture' && (where.startsWith('(?<=') || where.startsWith('(?<!'))) {
    return `lookbehind ${where.slice(0, 4)}…) is not supported: ${LINEAR}`;
  }
  // `a++`, `a*+`, `a{2}+`: RE2 sees a repeated repetition; in Java and PCRE these are possessive.
  if (what === 'invalid nested repetition operator' && /^(?:[*+?]|\{\d*(?:,\d*)?\})\+$/.test(where)) {
    return `possessive quantifiers like a${where} are not supported: ${LINEAR}`;
  }
  return `invalid regular expression (RE2 syntax): ${what}${where ? `: \`${where}\`` : ''}`;
}
