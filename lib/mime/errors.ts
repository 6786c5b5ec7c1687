import { WmflowError } from '../errors.js';

/** Codes of {@link MimeError}. */
export type MimeErrorCode =
  | 'MIME_TOO_LARGE'
  | 'MIME_TOO_DEEP'
  | 'MIME_TOO_MANY_PARTS'
  | 'MIME_HEADER_TOO_LARGE'
  | 'MIME_UNPARSEABLE'
  | 'MIME_BAD_HEADER'
  | 'MIME_AMBIGUOUS_HEADER'
  | 'MIME_NOT_TEXT'
  | 'MIME_UNSUPPORTED_EDIT';

/**
 * A message the engine will not parse or an edit it will not make. The message always names
 * what is wrong and where (a part path such as `2.1`, or `message` for the top level).
 */
export class MimeError extends WmflowError {
  declare readonly code: MimeErrorCode;
  /** Part path the problem is in, when there is one. */
  readonly partPath: string | undefined;

  constructor(code: MimeErrorCode, message: string, partPath?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.partPath = partPath;
  }
}

/** `''` → `message`, `2.1` → `part 2.1`: how error messages name a place. */
export function describePath(path: string): string {
  return path === '' ? 'message' : `part ${path}`;
}
