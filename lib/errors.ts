/**
 * Base class of every error wmflow raises on purpose. `code` is stable and machine-readable
 * (`MIME_TOO_DEEP`, `CONFIG_INVALID`, …); `message` names what is wrong and where.
 */
export class WmflowError extends Error {
  /** Stable machine-readable error code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
