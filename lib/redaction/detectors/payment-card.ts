import { regexDetector } from '../detector.js';

/** Luhn (mod 10) check over a digit string. */
export function luhnValid(digits: string): boolean {
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

/** Issuer prefixes of the card networks that matter for DLP, with their lengths. */
function knownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p2 === 36 || p2 === 38 || (p3 >= 300 && p3 <= 305)) return n >= 14 && n <= 19; // Diners
  return false;
}

/**
 * Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes (one kind per
 * number), a known issuer prefix and length, and a valid Luhn check digit. Digits that run on
 * into a longer number are not a card.
 */
export const paymentCard = regexDetector('payment-card', /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/, (value) => {
  const separators = new Set(value.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  const digits = value.replace(/\D/g, '');
  return knownIssuer(digits) && luhnValid(digits);
});
