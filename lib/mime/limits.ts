/**
 * Bounds that keep parsing of hostile input finite. Past any of them the engine raises a
 * {@link MimeError} instead of allocating or recursing further.
 */
export interface MimeLimits {
  /** Largest message accepted, in bytes. WorkMail itself caps messages far below this. */
  maxMessageBytes: number;
  /** Deepest multipart nesting (the top-level message is depth 0). */
  maxDepth: number;
  /** Most MIME parts (every node, multipart containers included). */
  maxParts: number;
  /** Largest header block of one part, in bytes. */
  maxHeaderBytes: number;
}

/**
 * Defaults: 64 MiB (WorkMail accepts up to 25 MB, leaving room for base64 growth and edits),
 * 50 levels (real mail rarely goes past 5; mailparser's torture tests stay under 20),
 * 1000 parts (mailsplit's own default) and 1 MiB of headers per part.
 */
export const DEFAULT_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxMessageBytes: 64 * 1024 * 1024,
  maxDepth: 50,
  maxParts: 1000,
  maxHeaderBytes: 1024 * 1024,
});
