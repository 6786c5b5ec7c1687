/** User-supplied regular expressions, compiled with RE2 (re2js) so they run in linear time. */
export { compileUserPattern, userPatternProblem, type PatternMatch, type UserPattern, type UserPatternSpec } from './user-pattern.js';
export { PatternError, type PatternErrorCode } from './errors.js';
