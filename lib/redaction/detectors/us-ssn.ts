import { regexDetector } from '../detector.js';

/** Numbers published as examples that were never issued. */
const NEVER_ISSUED = new Set(['078051120', '219099999']);

/**
 * US Social Security numbers written AAA-GG-SSSS (dashes or spaces, used consistently). Area
 * 000, 666 and 900–999, group 00 and serial 0000 are never issued and do not match. Bare
 * 9-digit runs are not matched: without separators they are mostly order and phone numbers.
 */
export const usSsn = regexDetector('us-ssn', /(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])/, (value) => {
  const d = value.replace(/\D/g, '');
  const area = Number(d.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return false;
  return !NEVER_ISSUED.has(d);
});
