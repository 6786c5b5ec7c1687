/** How a match is masked. */
export type MaskStyle =
  | { style: 'full'; replacement?: string }
  | { style: 'keep-last'; keep: number; maskChar?: string };

/**
 * Masks one match. `full` replaces it (default `[REDACTED]`); `keep-last` replaces every
 * letter and digit but the last `keep` with `*`, keeping separators, so
 * `4111 1111 1111 1111` becomes `**** **** **** 1111`. Neither output can match a detector
 * again, which keeps redaction idempotent.
 */
export function maskValue(value: string, mask: MaskStyle): string {
  if (mask.style === 'full') return mask.replacement ?? '[REDACTED]';
  const char = mask.maskChar ?? '*';
  let keep = Math.max(0, mask.keep);
  let out = '';
  for (let i = value.length - 1; i >= 0; i--) {
    const ch = value[i]!;
    if (/[A-Za-z0-9]/.test(ch)) {
      out = (keep > 0 ? ch : char) + out;
      keep--;
    } else {
      out = ch + out;
    }
  }
  return out;
}
