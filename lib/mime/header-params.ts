import { buildHeaderValue, parseHeaderValue } from 'nodemailer/lib/mime-funcs';
import { decodeWords } from './encoded-words.js';

/** A structured header value (`text/plain; charset=utf-8`) split into its value and parameters. */
export interface HeaderParams {
  /** The value before the parameters, as written (`''` when there is none). */
  value: string;
  /** Parameters by lower-cased name; RFC 2231 continuations joined, charset-encoded ones decoded. */
  params: Record<string, string>;
  /** The names in {@link params} whose values were RFC 2231 charset-encoded and are decoded here. */
  decodedParams: string[];
}

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * Parses a structured header value with nodemailer's parser (comments dropped with
 * `stripComments`). That parser hands an RFC 2231 value with a charset (`filename*=utf-8''%C3%A9`)
 * on as one Q encoded word; those, and only those, are decoded here, so a parameter that merely
 * contains `=?` (a boundary may) is never altered.
 */
export function parseHeaderParams(value: string, options: { stripComments?: boolean } = {}): HeaderParams {
  const parsed = parseHeaderValue(value, options);
  const decodedParams: string[] = [];
  if (value.includes('*')) {
    for (const [name, v] of Object.entries(parsed.params)) {
      if (!v.startsWith('=?') || !new RegExp(`(?:^|[;\\s])${escapeRegExp(name)}\\*`, 'i').test(value)) continue;
      parsed.params[name] = decodeWords(v);
      decodedParams.push(name);
    }
  }
  return { value: parsed.value, params: parsed.params, decodedParams };
}

/** Builds a structured header value back from {@link parseHeaderParams}' shape (nodemailer's builder). */
export function buildHeaderParams(value: string, params: Record<string, string>): string {
  return buildHeaderValue({ value, params });
}
