/** Escapes text for S3's XML answers. */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An S3 error answered over HTTP (XML body; HEAD answers carry no body). */
export class S3HttpError extends Error {
  constructor(
    readonly status: number,
    readonly s3Code: string,
    message: string,
    readonly extra: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** S3's `<Error>` document: code, message and the extra fields S3 adds (Key, BucketName…). */
export function errorXml(code: string, message: string, extra: Record<string, string>): string {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}</Error>`;
}
