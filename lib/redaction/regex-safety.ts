/**
 * Why a user-supplied regular expression is unsafe to run on every message, or undefined.
 * Nested quantifiers such as `(a+)+` backtrack exponentially on near-misses, and JavaScript
 * cannot interrupt a running match: one bad pattern would stall a synchronous Lambda.
 */
export function regexSafetyProblem(pattern: string): string | undefined {
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/.test(pattern)) {
    return 'nested quantifiers like (a+)+ can take exponential time; rewrite the pattern';
  }
  return undefined;
}
