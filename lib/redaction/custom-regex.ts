import vm from 'node:vm';
import type { Detector, DetectorMatch } from './detector.js';
import { RedactionError } from './errors.js';
import { regexSafetyProblem } from './regex-safety.js';

/** Flags a custom pattern may carry; `g` is implied (and ignored), `y` would break scanning. */
const ALLOWED_FLAGS = /^[gimsuv]*$/;
/** Strings a pattern is tried on to see whether it can match the empty string somewhere. */
const EMPTY_PROBES = ['', ' ', 'a', 'A', '0', '_', '-', '.', '\n', 'a b', 'ab12', ' 0 a\n.'];
/** Default time budget of one `find` call of a custom detector. */
export const DEFAULT_PATTERN_TIMEOUT_MS = 250;

/** Why a custom pattern is refused, or undefined when it is usable. */
export function customPatternProblem(pattern: string, flags = ''): string | undefined {
  if (!ALLOWED_FLAGS.test(flags)) return `invalid regular expression flags "${flags}": use i, m, s, u or v`;
  let re: RegExp;
  try {
    re = new RegExp(pattern, `${flags.replace(/g/g, '')}g`);
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  // `a*`, `\b`, `(?=x)`: a pattern that can match nothing would "find" empty strings everywhere.
  for (const probe of EMPTY_PROBES) {
    for (const m of probe.matchAll(re)) if (m[0] === '') return 'the pattern matches the empty string';
  }
  return regexSafetyProblem(pattern);
}

/** Options of {@link customRegexDetector}. */
export interface CustomRegexOptions {
  /** Time budget of one `find` call in milliseconds (default {@link DEFAULT_PATTERN_TIMEOUT_MS}). */
  timeoutMs?: number;
}

let sandbox: { context: vm.Context; scan: vm.Script } | undefined;

/**
 * A V8 context to run custom patterns in: `runInContext` with `timeout` can interrupt a regular
 * expression in the middle of a match, which nothing else in Node can.
 */
function getSandbox(): { context: vm.Context; scan: vm.Script } {
  sandbox ??= {
    context: vm.createContext(Object.create(null) as object),
    scan: new vm.Script(
      `(() => { const out = []; re.lastIndex = 0; for (let m = re.exec(text); m !== null; m = re.exec(text)) {
         if (m[0].length === 0) { re.lastIndex = m.index + 1; continue; }
         out.push(m.index, m.index + m[0].length); } return out; })()`,
      { filename: 'wmflow-custom-pattern.js' },
    ),
  };
  return sandbox;
}

/**
 * A detector for a custom regular expression from configuration. The pattern is checked with
 * {@link customPatternProblem} (it must compile, must not match the empty string, must not have
 * nested quantifiers) and always runs with the `g` flag. Each `find` call runs the expression
 * in a separate V8 context under a time budget, so a pattern that backtracks catastrophically
 * on some message fails that call with `REDACTION_PATTERN_TIMEOUT` instead of stalling the
 * Lambda until it is killed.
 * @throws RedactionError `REDACTION_INVALID_PATTERN` for a refused pattern.
 */
export function customRegexDetector(id: string, pattern: string, flags = '', options: CustomRegexOptions = {}): Detector {
  const problem = customPatternProblem(pattern, flags);
  if (problem) throw new RedactionError('REDACTION_INVALID_PATTERN', `detector "${id}": ${problem}`);
  const re = new RegExp(pattern, `${flags.replace(/g/g, '')}g`);
  const timeout = Math.max(1, Math.floor(options.timeoutMs ?? DEFAULT_PATTERN_TIMEOUT_MS));
  return {
    id,
    find(text) {
      const { context, scan } = getSandbox();
      let found: ArrayLike<number>;
      context.re = re;
      context.text = text;
      try {
        found = scan.runInContext(context, { timeout }) as ArrayLike<number>;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
          throw new RedactionError('REDACTION_PATTERN_TIMEOUT', `detector "${id}": pattern /${pattern}/ took longer than ${timeout} ms on a ${text.length}-character text`, { cause: err });
        }
        throw err;
      } finally {
        // Do not keep the message alive in the shared context.
        context.text = '';
        re.lastIndex = 0;
      }
      const out: DetectorMatch[] = [];
      for (let i = 0; i + 1 < found.length; i += 2) {
        const start = found[i]!;
        const end = found[i + 1]!;
        out.push({ start, end, value: text.slice(start, end) });
      }
      return out;
    },
  };
}
