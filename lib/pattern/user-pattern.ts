import type { RE2JS } from 're2js';
import { PatternError } from './errors.js';
import { re2js } from './re2.js';
import { translateJsEscapes } from './js-escapes.js';
import { explainCompileError } from './unsupported.js';

/** A regular expression from configuration: the pattern and optional flags (`i` is the usual one). */
export interface UserPatternSpec {
  pattern: string;
  /** Any of `i`, `m`, `s`, `u` (default none). */
  flags?: string;
}

/** One match: `text.slice(start, end)` is the matched text (UTF-16 indices, as String uses). */
export interface PatternMatch {
  start: number;
  end: number;
}

/** A compiled user pattern. Every method runs in time linear in the length of the text. */
export interface UserPattern {
  /** The pattern as written. */
  readonly pattern: string;
  /** The flags as given. */
  readonly flags: string;
  /** Whether the pattern matches anywhere in `text` (like `RegExp.prototype.test` without `g`). */
  test(text: string): boolean;
  /**
   * Non-overlapping matches from left to right, leftmost-first as in JavaScript. Empty matches
   * are included and never split a surrogate pair.
   */
  matches(text: string): Iterable<PatternMatch>;
}

function flagBit(flag: string): number | undefined {
  const { RE2JS } = re2js();
  // RE2 always matches by code point and knows \p{…}: what `u` asks of JavaScript is the default.
  return ({ i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 } as Record<string, number>)[flag];
}

/**
 * Compiles a user-supplied regular expression with re2js, a port of RE2: matching takes time
 * linear in the text whatever the pattern, so no pattern can stall message processing.
 *
 * The syntax is RE2's (https://github.com/google/re2/wiki/Syntax), close to JavaScript's:
 * - JavaScript's `\uXXXX`, `\u{X…}` and `\cX` are translated; `(?<name>…)` and `(?P<name>…)`
 *   both name a group; `(?i)`, `\Q…\E`, `\A`, `\z` and `[[:alpha:]]` are RE2 extras.
 * - Refused, with a message naming the construct: backreferences (`\1`, `\k<name>`),
 *   lookahead and lookbehind, atomic groups and possessive quantifiers.
 * - `\d`, `\w` and `\b` are ASCII as in JavaScript. `\s` is `[\t\n\f\r ]`: unlike JavaScript it
 *   does not match `\v`, no-break spaces or other Unicode spaces.
 * - Without `s`, `.` matches anything but `\n` (JavaScript also excludes `\r`, U+2028, U+2029).
 *   `^` and `$` mean the start and end of the text; with `m` they also match after and
 *   before `\n` only (JavaScript also breaks lines at `\r`, U+2028, U+2029).
 * - `i` uses Unicode simple case folding (like JavaScript with `iu`).
 * @throws PatternError `PATTERN_INVALID` for unknown flags, bad syntax or unsupported constructs.
 */
export function compileUserPattern(spec: UserPatternSpec): UserPattern {
  const { pattern, flags = '' } = spec;
  let bits = 0;
  for (const flag of flags) {
    const bit = flagBit(flag);
    if (bit === undefined) throw new PatternError('PATTERN_INVALID', pattern, `invalid regular expression flags "${flags}": use i, m, s or u`);
    bits |= bit;
  }
  let re: RE2JS;
  try {
    re = re2js().RE2JS.compile(translateJsEscapes(pattern), bits);
  } catch (err) {
    throw new PatternError('PATTERN_INVALID', pattern, explainCompileError(err), { cause: err });
  }
  return {
    pattern,
    flags,
    test: (text) => re.test(text),
    *matches(text) {
      const m = re.matcher(text);
      while (m.find()) yield { start: m.start(), end: m.end() };
    },
  };
}

/** Why {@link compileUserPattern} would refuse `spec`, or undefined when it compiles. */
export function userPatternProblem(spec: UserPatternSpec): string | undefined {
  try {
    compileUserPattern(spec);
    return undefined;
  } catch (err) {
    if (err instanceof PatternError) return err.problem;
    throw err;
  }
}
