/**
 * Rewrites the JavaScript escapes RE2 spells differently into RE2 syntax, leaving everything
 * else as written: `\uXXXX` (a surrogate pair `\uD83D\uDE00` becomes one code point),
 * `\u{X…}` and `\cX` become `\x{…}`. Text inside RE2's `\Q…\E` is literal and left alone.
 * Patterns in JSON configuration often carry `\u00e9`-style escapes; RE2 would refuse them.
 */
export function translateJsEscapes(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c !== '\\' || i + 1 >= pattern.length) {
      out += c;
      i++;
      continue;
    }
    const next = pattern[i + 1]!;
    if (next === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      const stop = end < 0 ? pattern.length : end + 2;
      out += pattern.slice(i, stop);
      i = stop;
      continue;
    }
    const found = jsEscapeAt(pattern, i);
    if (found) {
      out += `\\x{${found.codePoint.toString(16).toUpperCase()}}`;
      i += found.length;
      continue;
    }
    // Any other escape, `\\` included, is copied whole so its second character is not rescanned.
    out += c + next;
    i += 2;
  }
  return out;
}

/** The code point and length of a `\u` or `\c` escape at `pattern[i]`, or undefined. */
function jsEscapeAt(pattern: string, i: number): { codePoint: number; length: number } | undefined {
  const kind = pattern[i + 1];
  if (kind === 'c') {
    const letter = pattern[i + 2];
    return letter && /[A-Za-z]/.test(letter) ? { codePoint: letter.charCodeAt(0) % 32, length: 3 } : undefined;
  }
  if (kind !== 'u') return undefined;
  const braced = /^\\u\{([0-9A-Fa-f]{1,6})\}/.exec(pattern.slice(i, i + 10));
  if (braced) {
    const codePoint = Number.parseInt(braced[1]!, 16);
    return codePoint <= 0x10ffff ? { codePoint, length: braced[0].length } : undefined;
  }
  const unit = hex4(pattern, i + 2);
  if (unit === undefined) return undefined;
  if (unit >= 0xd800 && unit <= 0xdbff && pattern.startsWith('\\u', i + 6)) {
    const low = hex4(pattern, i + 8);
    if (low !== undefined && low >= 0xdc00 && low <= 0xdfff) return { codePoint: 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00), length: 12 };
  }
  return { codePoint: unit, length: 6 };
}

function hex4(pattern: string, at: number): number | undefined {
  const digits = pattern.slice(at, at + 4);
  return /^[0-9A-Fa-f]{4}$/.test(digits) ? Number.parseInt(digits, 16) : undefined;
}
