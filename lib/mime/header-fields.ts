/** Facts of RFC 5322 and RFC 2045 about header fields, for every mail platform. */

/** RFC 5322 field-name: printable US-ASCII except the colon. */
const FIELD_NAME = /^[!-9;-~]+$/;

/** Whether `name` is a valid header field name. */
export function isFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/** Fields RFC 5322 §3.6 allows at most once (lower-case). */
export const UNIQUE_FIELDS: readonly string[] = ['date', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'message-id', 'in-reply-to', 'references', 'subject'];

/** Fields every message must have (RFC 5322 §3.6). */
export const REQUIRED_FIELDS: readonly string[] = ['date', 'from'];

/** Fields that describe the MIME structure (RFC 2045): changing them changes how the message parses. */
export const STRUCTURAL_FIELDS: readonly string[] = ['mime-version', 'content-type', 'content-transfer-encoding'];
