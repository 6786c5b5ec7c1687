import { WmflowError } from '../errors.js';

/** Codes of {@link PatternError}. */
export type PatternErrorCode =
  /** A user pattern has unknown flags, is not valid RE2 syntax, or uses a construct RE2 cannot run. */
  'PATTERN_INVALID';

/** A user-supplied regular expression that cannot be compiled; `problem` says why, without the pattern. */
export class PatternError extends WmflowError {
  declare readonly code: PatternErrorCode;
  /** The refused pattern, as written. */
  readonly pattern: string;
  /** Why it is refused, e.g. `backreferences like \1 are not supported: …`. */
  readonly problem: string;

  constructor(code: PatternErrorCode, pattern: string, problem: string, options?: { cause?: unknown }) {
    super(code, `invalid pattern ${JSON.stringify(pattern)}: ${problem}`, options);
    this.pattern = pattern;
    this.problem = problem;
  }
}
