import { PatternError } from '../pattern/errors.js';
import { compileUserPattern, type UserPattern } from '../pattern/user-pattern.js';
import type { Detector, DetectorMatch } from './detector.js';
import { RedactionError } from './errors.js';

/** Strings a pattern is tried on to see whether it can match the empty string somewhere. */
const EMPTY_PROBES = ['', ' ', 'a', 'A', '0', '_', '-', '.', '\n', 'a b', 'ab12', ' 0 a\n.'];

/** The spec to compile: `g` is implied by scanning, so it is accepted and dropped. */
function spec(pattern: string, flags: string) {
  return { pattern, flags: flags.replace(/g/g, '') };
}

function matchesEmpty(re: UserPattern): boolean {
  return EMPTY_PROBES.some((probe) => [...re.matches(probe)].some((m) => m.start === m.end));
}

/**
 * Why a custom pattern is refused, or undefined when it is usable: it must compile as a user
 * pattern (RE2 syntax, flags i, m, s, u, and g which is ignored; see `compileUserPattern`) and
 * must not match the empty string.
 */
export function customPatternProblem(pattern: string, flags = ''): string | undefined {
  let re: UserPattern;
  try {
    re = compileUserPattern(spec(pattern, flags));
  } catch (err) {
    if (err instanceof PatternError) return err.problem;
    throw err;
  }
  // `a*`, `\b`, `(?:x)?`: a pattern that can match nothing would "find" empty strings everywhere.
  return matchesEmpty(re) ? 'the pattern matches the empty string' : undefined;
}

/**
 * A detector for a custom regular expression from configuration, checked with
 * {@link customPatternProblem}. It runs on RE2 (re2js): time linear in the text whatever the
 * pattern, so it needs no time budget. Matches are non-overlapping, left to right; empty
 * matches are skipped.
 * @throws RedactionError `REDACTION_INVALID_PATTERN` for a refused pattern.
 */
export function customRegexDetector(id: string, pattern: string, flags = ''): Detector {
  const problem = customPatternProblem(pattern, flags);
  if (problem) throw new RedactionError('REDACTION_INVALID_PATTERN', `detector "${id}": ${problem}`);
  const re = compileUserPattern(spec(pattern, flags));
  return {
    id,
    find(text) {
      const out: DetectorMatch[] = [];
      for (const { start, end } of re.matches(text)) if (end > start) out.push({ start, end, value: text.slice(start, end) });
      return out;
    },
  };
}
