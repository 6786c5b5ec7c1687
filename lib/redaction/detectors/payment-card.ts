import type { Detector, DetectorMatch } from '../detector.js';
import { isAsciiAlnum, isLooseSeparator } from './characters.js';

/** Luhn (mod 10) check over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Card networks the detector knows. */
export type CardNetwork = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners';

/**
 * The network whose issuer prefix (IIN) and number length `digits` has, or undefined: Visa 4
 * (13, 16, 19 digits), Mastercard 51–55 and 2221–2720 (16), Amex 34, 37 (15), Discover 6011,
 * 644–649, 65 (16–19), JCB 3528–3589 (16–19), Diners 36, 38, 300–305 (14–19).
 */
export function cardNetwork(digits: string): CardNetwork | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19 ? 'visa' : undefined;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16 ? 'mastercard' : undefined;
  if (p2 === 34 || p2 === 37) return n === 15 ? 'amex' : undefined;
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19 ? 'discover' : undefined;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19 ? 'jcb' : undefined;
  if (p2 === 36 || p2 === 38 || (p3 >= 300 && p3 <= 305)) return n >= 14 && n <= 19 ? 'diners' : undefined;
  return undefined;
}

/**
 * How card numbers are grouped when written with separators: fours with a shorter last group
 * (4-4-4-4, 4-4-4-4-3, 4-4-4-1), or the Amex/Diners 4-6-5 and 4-6-4. Arbitrary groupings
 * (phone numbers, `12 34 56 …`) are not card numbers.
 */
function groupingValid(lengths: readonly number[]): boolean {
  if (lengths.length === 1) return true;
  if (lengths.length === 3 && lengths[0] === 4 && lengths[1] === 6 && (lengths[2] === 5 || lengths[2] === 4)) return true;
  const last = lengths[lengths.length - 1]!;
  return last >= 1 && last <= 4 && lengths.slice(0, -1).every((n) => n === 4);
}

/**
 * Payment card numbers (PANs): 13–19 digits, either unbroken or in groups (see above) split by
 * up to three spaces (also no-break spaces), dashes or dots, mixed as a sender likes (a sender
 * must not slip a number past DLP by writing `4111.1111.1111.1111`); a known issuer
 * prefix and length; a valid Luhn check digit. Never part of a longer digit run or a word
 * (`94111111111111111`, `ID4111111111111111`): a digit group is taken whole or not at all. A
 * number written in groups may start or end at a group boundary of a longer grouped sequence.
 */
export const paymentCard: Detector = {
  id: 'payment-card',
  find(text) {
    const runs: { start: number; end: number }[] = [];
    for (const m of text.matchAll(/\d+/g)) runs.push({ start: m.index, end: m.index + m[0].length });
    const out: DetectorMatch[] = [];
    let i = 0;
    while (i < runs.length) {
      const first = runs[i]!;
      let best = -1;
      if (!isAsciiAlnum(text[first.start - 1])) {
        let digits = '';
        const lengths: number[] = [];
        for (let j = i; j < runs.length; j++) {
          const run = runs[j]!;
          if (j > i && !isLooseSeparator(text.slice(runs[j - 1]!.end, run.start))) break;
          digits += text.slice(run.start, run.end);
          lengths.push(run.end - run.start);
          if (digits.length > 19) break;
          if (digits.length >= 13 && !isAsciiAlnum(text[run.end]) && groupingValid(lengths) && cardNetwork(digits) && luhnValid(digits)) best = j;
        }
      }
      if (best < 0) {
        i++;
        continue;
      }
      const start = first.start;
      const end = runs[best]!.end;
      out.push({ start, end, value: text.slice(start, end) });
      i = best + 1;
    }
    return out;
  },
};
