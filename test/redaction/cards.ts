import fc from 'fast-check';
import { luhnValid } from '../../lib/redaction/detectors/payment-card.js';

/** `prefix` completed with random-free filler zeros to `length - 1` digits and a Luhn check digit. */
export function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** A card number with a wrong check digit. */
export function withWrongCheckDigit(body: string): string {
  const good = withCheckDigit(body);
  return body + ((Number(good.at(-1)) + 1) % 10);
}

/** Formats digits in groups: `[4,4,4,4]` → `4111 1111 1111 1111` with `sep`. */
export function group(digits: string, sizes: readonly number[], sep: string): string {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(digits.slice(at, at + n));
    at += n;
  }
  if (at < digits.length) out.push(digits.slice(at));
  return out.join(sep);
}

/** Issuer prefixes and lengths the detector accepts, one per network (and range edges). */
const NETWORKS: readonly [prefix: string, lengths: readonly number[]][] = [
  ['4', [13, 16, 19]],
  ['51', [16]],
  ['55', [16]],
  ['2221', [16]],
  ['2720', [16]],
  ['34', [15]],
  ['37', [15]],
  ['6011', [16, 19]],
  ['65', [16, 19]],
  ['644', [16]],
  ['649', [16]],
  ['3528', [16]],
  ['3589', [19]],
  ['36', [14]],
  ['38', [14, 16]],
  ['300', [14]],
  ['305', [14]],
];

/** A random valid card number of a random network, written with random (consistent) separators. */
export const cardArb = fc
  .record({
    network: fc.constantFrom(...NETWORKS),
    pick: fc.nat(),
    rest: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 18, maxLength: 18 }),
    sep: fc.constantFrom('', ' ', '-', '\u00a0'),
  })
  .map(({ network: [prefix, lengths], pick, rest, sep }) => {
    const length = lengths[pick % lengths.length]!;
    const digits = withCheckDigit((prefix + rest.join('')).slice(0, length - 1));
    const sizes = length === 15 && sep ? [4, 6, 5] : length === 14 && sep ? [4, 6, 4] : [4, 4, 4, 4, 4];
    return { digits, text: sep ? group(digits, sizes, sep) : digits };
  });
