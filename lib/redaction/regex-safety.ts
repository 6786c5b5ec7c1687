/** A quantifier at `pattern[i]`: its length, and whether it repeats a variable number of times. */
function quantifierAt(pattern: string, i: number): { length: number; variable: boolean; repeats: boolean } | undefined {
  const c = pattern[i];
  let q: { length: number; variable: boolean; repeats: boolean } | undefined;
  if (c === '*' || c === '+') q = { length: 1, variable: true, repeats: true };
  else if (c === '?') q = { length: 1, variable: true, repeats: false };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    q = { length: m[0].length, variable: max > min, repeats: max > 1 };
  }
  // A lazy or possessive-looking suffix (`+?`) belongs to the quantifier.
  if (q && pattern[i + q.length] === '?') q.length++;
  return q;
}

/**
 * Why a user-supplied regular expression is unsafe to run on every message, or undefined.
 * Flags a repeated group that contains a variable quantifier, at any depth, such as `(a+)+`,
 * `(?:\w+\s?)*` or `((ab)*c){2,}`: on a near-miss these backtrack exponentially, and
 * JavaScript cannot interrupt a running match. Quantifiers in character classes and escapes
 * are told apart; fixed counts (`(\d{3}-)+`) are fine. A heuristic: it cannot see every
 * ambiguous pattern (`(a|a)*`), which is why custom detectors also run under a time budget.
 */
export function regexSafetyProblem(pattern: string): string | undefined {
  // One entry per open group: whether something inside it is variably quantified.
  const stack: boolean[] = [false];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // Skip the class: `]` right after `[` or `[^` is a literal in other flavours, not in JS.
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      // `(?:`, `(?=`, `(?<name>` …: the `?` is not a quantifier.
      if (pattern[i + 1] === '?') i++;
      continue;
    }
    if (c === ')') {
      const inner = stack.length > 1 ? stack.pop()! : false;
      const q = quantifierAt(pattern, i + 1);
      if (inner && q?.repeats) return 'nested quantifiers like (a+)+ can take exponential time; rewrite the pattern';
      if (inner || q?.variable) stack[stack.length - 1] = true;
      if (q) i += q.length;
      continue;
    }
    const q = quantifierAt(pattern, i);
    if (q) {
      if (q.variable) stack[stack.length - 1] = true;
      i += q.length - 1;
    }
  }
  return undefined;
}
