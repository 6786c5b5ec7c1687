/** Characters that separate digit groups in numbers people write: `4111 1111`, `123-45-6789`. */
export type SeparatorKind = 'space' | 'dash';

// No-break and figure spaces arrive from HTML (`&nbsp;`) and word processors; so do
// non-breaking hyphens and en dashes.
const SPACES = new Set([' ', '\u00a0', '\u2007', '\u202f']);
const DASHES = new Set(['-', '\u2010', '\u2011', '\u2012', '\u2013']);

/** The kind of a one-character separator, or undefined for anything else. */
export function separatorKind(s: string): SeparatorKind | undefined {
  if (s.length !== 1) return undefined;
  if (SPACES.has(s)) return 'space';
  if (DASHES.has(s)) return 'dash';
  return undefined;
}

/**
 * Whether `s` separates two digit groups of a number as people (and obfuscating senders) write
 * them: one to three characters, each a space, a dash or a dot — `4111.1111`, `4111  1111`,
 * `4111 - 1111`. Longer gaps or other characters end the number.
 */
export function isLooseSeparator(s: string): boolean {
  if (s.length === 0 || s.length > 3) return false;
  for (const c of s) if (!SPACES.has(c) && !DASHES.has(c) && c !== '.') return false;
  return true;
}

/** Whether `c` (one UTF-16 unit, possibly undefined past the ends) is an ASCII letter or digit. */
export function isAsciiAlnum(c: string | undefined): boolean {
  if (c === undefined || c.length === 0) return false;
  const code = c.charCodeAt(0);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Whether `c` is an ASCII digit. */
export function isDigit(c: string | undefined): boolean {
  if (c === undefined || c.length === 0) return false;
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57;
}
