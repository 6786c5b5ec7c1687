import type { Detector, DetectorMatch } from '../detector.js';
import { regexDetector } from '../detector.js';
import { isDigit, separatorKind } from './characters.js';

/** Numbers that were published (on a wallet insert, in a pamphlet) and are not anyone's SSN. */
const NEVER_ISSUED = new Set(['078051120', '219099999']);

/**
 * Whether nine digits can be an issued SSN: area 000, 666 and 900–999 (ITINs and advertising
 * numbers), group 00 and serial 0000 never are, nor the published examples 078-05-1120 and
 * 219-09-9999.
 */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  return !NEVER_ISSUED.has(digits);
}

/** Words that announce an SSN shortly before it: "SSN", "SS#", "social security (number)", "soc. sec.". */
const CONTEXT = /(?:^|[^a-z])(?:ssns?|ss#|ss\s?no\.?|social[\s-]+security|soc\.?\s?sec\.?)(?![a-z])/i;
/** How far before an undelimited number a context word may end. */
const CONTEXT_WINDOW = 32;

const delimited = regexDetector('us-ssn', /(?<![A-Za-z0-9])\d{3}([-\u2010-\u2013 \u00a0\u2007\u202f])\d{2}\1\d{4}(?![A-Za-z0-9])/, (value, start, text) => {
  const sep = value[3]!;
  // `1-123-45-6789` or `123 45 6789 12` are parts of longer numbers, not SSNs.
  if (isDigit(text[start - 2]) && separatorKind(text[start - 1] ?? '') === separatorKind(sep)) return false;
  const end = start + value.length;
  if (isDigit(text[end + 1]) && separatorKind(text[end] ?? '') === separatorKind(sep)) return false;
  return ssnValid(value.replace(/\D/g, ''));
});

const undelimited = regexDetector('us-ssn', /(?<![A-Za-z0-9])\d{9}(?![A-Za-z0-9])/, (value, start, text) => {
  if (!ssnValid(value)) return false;
  return CONTEXT.test(text.slice(Math.max(0, start - CONTEXT_WINDOW), start));
});

/**
 * US Social Security numbers. Written AAA-GG-SSSS or AAA GG SSSS (the same dash or space
 * twice; no-break spaces and hyphens count), they match on their own unless they are part of a
 * longer grouped number (`1-123-45-6789`). Nine undelimited digits match only when a context
 * word ("SSN", "SS#", "social security", "soc. sec.") ends at most 32 characters before them,
 * because bare 9-digit runs are mostly order, account and phone numbers. Never-issued ranges
 * are excluded (see {@link ssnValid}), so `000-12-3456` and `078-05-1120` do not match.
 */
export const usSsn: Detector = {
  id: 'us-ssn',
  find(text) {
    const all: DetectorMatch[] = [...delimited.find(text), ...undelimited.find(text)];
    // The two patterns cannot overlap (one has separators, the other is one digit run).
    return all.sort((a, b) => a.start - b.start);
  },
};
