import { WmflowError } from '../errors.js';

/**
 * A reply the filter gives its SMTP client instead of 250: smtp-server sends `responseCode`
 * and the message. `code` says why (`SMTP_BOUNCE`, `SMTP_RELAY_REFUSED`, `SMTP_RELAY_TEMPFAIL`,
 * `SMTP_TOO_BIG`, `SMTP_8BITMIME_UNSUPPORTED`, `SMTP_SMTPUTF8_UNSUPPORTED`, `SMTP_INTERNAL`,
 * `SMTP_SHUTTING_DOWN`).
 */
export class SmtpReplyError extends WmflowError {
  /** The SMTP reply code (4xx: the client keeps the message and retries; 5xx: it bounces). */
  readonly responseCode: number;

  constructor(code: string, responseCode: number, message: string, options?: { cause?: unknown }) {
    super(code, replyText(message), options);
    this.responseCode = responseCode;
  }

  /** Whether the client should retry (4xx). */
  get temporary(): boolean {
    return this.responseCode < 500;
  }
}

/** Longest reply text we send: RFC 5321 §4.5.3.1.5 allows 512 octets per reply line, code included. */
const MAX_REPLY_TEXT = 450;

/**
 * Reply text safe for one SMTP reply line: ASCII only (RFC 5321 replies are ASCII; accents are
 * dropped, other characters become `?`), no control characters, at most 450 octets.
 */
export function replyText(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
  return ascii.length > MAX_REPLY_TEXT ? `${ascii.slice(0, MAX_REPLY_TEXT - 3)}...` : ascii;
}
