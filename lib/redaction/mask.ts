/**
 * How a match is masked.
 *
 * - `full`: the whole match is replaced by `replacement`, default {@link DEFAULT_REPLACEMENT}
 *   (`[REDACTED]`). `{detector}` in a replacement stands for the detector's id, so
 *   `[REDACTED:{detector}]` labels each mask (`[REDACTED:payment-card]`).
 * - `keep-last`: every letter and digit but the last `keep` is replaced by `maskChar` (default
 *   `*`), separators stay: `4111 1111 1111 1111` → `**** **** **** 1111`. At most half of a
 *   match's letters and digits are ever kept, so a short match is never left readable.
 */
export type MaskStyle = { style: 'full'; replacement?: string } | { style: 'keep-last'; keep: number; maskChar?: string };

/** What `full` masking writes when no replacement is configured. */
export const DEFAULT_REPLACEMENT = '[REDACTED]';

const ALNUM = /^[\p{L}\p{N}]$/u;

/** Why `mask` is malformed, or undefined. */
export function maskProblem(mask: MaskStyle): string | undefined {
  if (mask.style === 'full') {
    return mask.replacement !== undefined && typeof mask.replacement !== 'string' ? 'replacement must be a string' : undefined;
  }
  if (mask.style !== 'keep-last') return `unknown mask style "${(mask as { style: unknown }).style}"`;
  if (!Number.isInteger(mask.keep) || mask.keep < 0) return `keep must be a whole number ≥ 0, not ${mask.keep}`;
  if (mask.maskChar !== undefined) {
    const chars = [...mask.maskChar];
    // A letter or digit as mask would make masked output look like data again (and detectable).
    if (chars.length !== 1 || ALNUM.test(chars[0]!) || /\s/.test(chars[0]!))
      return `maskChar must be one character that is not a letter, digit or space, not "${mask.maskChar}"`;
  }
  return undefined;
}

/** Whether masks of this style have one code point per code point of the value. */
export function isAlignedMask(mask: MaskStyle): boolean {
  return mask.style === 'keep-last';
}

/**
 * Masks one matched value found by detector `detectorId` (see {@link MaskStyle}). The mask is
 * assumed valid (see {@link maskProblem}).
 */
export function maskValue(value: string, mask: MaskStyle, detectorId = ''): string {
  if (mask.style === 'full') return (mask.replacement ?? DEFAULT_REPLACEMENT).replaceAll('{detector}', detectorId);
  const chars = [...value];
  const alnum = chars.reduce((n, c) => n + (ALNUM.test(c) ? 1 : 0), 0);
  let keep = Math.min(Math.max(0, Math.floor(mask.keep)), Math.floor(alnum / 2));
  const maskChar = mask.maskChar ?? '*';
  for (let i = chars.length - 1; i >= 0; i--) {
    if (!ALNUM.test(chars[i]!)) continue;
    if (keep > 0) keep--;
    else chars[i] = maskChar;
  }
  return chars.join('');
}
