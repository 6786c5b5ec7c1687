import type { Detector, DetectorMatch } from '../detector.js';
import { isAsciiAlnum } from './characters.js';

/** IBAN length by country (ISO 13616 registry) for the countries mail most often carries. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 7064 mod 97-10 over a compact IBAN (letters A–Z, digits): true when the remainder is 1. */
export function ibanChecksumValid(iban: string): boolean {
  const upper = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(upper)) return false;
  const rearranged = upper.slice(4) + upper.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    // Letters count as two digits (A = 10 … Z = 35).
    rest = code >= 65 ? (rest * 100 + code - 55) % 97 : (rest * 10 + code - 48) % 97;
  }
  return rest === 1;
}

/**
 * Reads the BBAN after a country code and check digits at `at`: `n` letters or digits, either
 * unbroken or (paper format) in groups of four each preceded by one space. Returns the end
 * offset, or -1.
 */
function readBban(text: string, at: number, n: number): number {
  const spaced = text[at] === ' ';
  let read = 0;
  let i = at;
  while (read < n) {
    if (spaced && read % 4 === 0) {
      if (text[i] !== ' ') return -1;
      i++;
    }
    if (!isAsciiAlnum(text[i])) return -1;
    read++;
    i++;
  }
  return i;
}

/**
 * IBANs: a known country code, two check digits and the country's number of BBAN characters,
 * unbroken or in space-separated groups of four (`GB82 WEST 1234 5698 7654 32`), with a valid
 * mod-97 check. Letters may be lower case. Not inside a longer word or number.
 */
export const iban: Detector = {
  id: 'iban',
  find(text) {
    const out: DetectorMatch[] = [];
    const start = /(?<![A-Za-z0-9])([A-Za-z]{2})\d{2}/g;
    for (let m = start.exec(text); m; m = start.exec(text)) {
      const length = IBAN_LENGTHS[m[1]!.toUpperCase()];
      const end = length === undefined ? -1 : readBban(text, m.index + 4, length - 4);
      const value = end < 0 ? '' : text.slice(m.index, end);
      if (end < 0 || isAsciiAlnum(text[end]) || !ibanChecksumValid(value.replace(/ /g, ''))) {
        start.lastIndex = m.index + 1;
        continue;
      }
      out.push({ start: m.index, end, value });
      start.lastIndex = end;
    }
    return out;
  },
};
