import type { HeaderBlock } from '../mime/index.js';

/** Authentication methods a condition can ask about. */
export type AuthMethod = 'spf' | 'dkim' | 'dmarc';

/**
 * A result as RFC 8601 (and RFC 7489 for DMARC) spells it, or `missing`: the top-most
 * Authentication-Results header has no result for the method, or there is no such header.
 */
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'missing';

/** Every value a condition may name. */
export const AUTH_RESULTS: readonly AuthResult[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy', 'missing'];

/** Removes RFC 5322 comments (nested), keeping quoted strings as they are. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') quoted = !quoted;
    if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function splitStatements(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

/**
 * The SPF, DKIM and DMARC results of the top-most `Authentication-Results` header (RFC 8601),
 * the one the receiving MTA nearest to us added. Parsed conservatively: comments removed, each
 * `method[/version]=result` statement after the authserv-id read; a statement that does not
 * have that form is ignored, and so is any method after the first result unless it is DKIM,
 * where any `pass` counts (a message may carry several signatures). Methods not found are
 * `missing`.
 *
 * Trust: only a header added by a trusted MTA means anything. WorkMail's inbound path adds one;
 * a sender can write any header, but the top-most one is the last added on the way in.
 */
export function readAuthenticationResults(headers: HeaderBlock): Record<AuthMethod, AuthResult> {
  const results: Record<AuthMethod, AuthResult> = { spf: 'missing', dkim: 'missing', dmarc: 'missing' };
  const top = headers.get('authentication-results')[0];
  if (top === undefined) return results;
  const [, ...statements] = splitStatements(stripComments(top));
  for (const statement of statements) {
    const m = /^([a-z0-9-]+)(?:\s*\/\s*\d+)?\s*=\s*([a-z]+)\b/i.exec(statement);
    if (!m) continue;
    const method = m[1]!.toLowerCase();
    const result = m[2]!.toLowerCase() as AuthResult;
    if (method !== 'spf' && method !== 'dkim' && method !== 'dmarc') continue;
    if (!AUTH_RESULTS.includes(result) || result === 'missing') continue;
    if (results[method] === 'missing' || (method === 'dkim' && result === 'pass')) results[method] = result;
  }
  return results;
}
