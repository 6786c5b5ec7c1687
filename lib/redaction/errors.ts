import { WmflowError } from '../errors.js';

/** Codes of {@link RedactionError}. */
export type RedactionErrorCode =
  /** A custom pattern does not compile (RE2 syntax) or can match the empty string. */
  | 'REDACTION_INVALID_PATTERN'
  /** A mask style is malformed (negative `keep`, a letter as `maskChar`, …). */
  | 'REDACTION_INVALID_MASK'
  /** A detector id names no built-in detector. */
  | 'REDACTION_UNKNOWN_DETECTOR';

/** An error of the redaction module; `code` says which kind. */
export class RedactionError extends WmflowError {
  declare readonly code: RedactionErrorCode;

  constructor(code: RedactionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
