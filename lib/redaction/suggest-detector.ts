/**
 * Edit distance between two strings counting insertions, deletions, substitutions and swaps of
 * adjacent characters (optimal string alignment), so `ibna` is one edit from `iban`.
 */
export function editDistance(a: string, b: string): number {
  // Three rows: the one two back is needed for transpositions.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length]!;
}

/** Names people give the built-in detectors that no spelling distance would connect. */
const SYNONYMS: Record<string, string> = {
  card: 'payment-card',
  cc: 'payment-card',
  pan: 'payment-card',
  'credit-card': 'payment-card',
  'debit-card': 'payment-card',
  'card-number': 'payment-card',
  'credit-card-number': 'payment-card',
  ssn: 'us-ssn',
  'social-security': 'us-ssn',
  'social-security-number': 'us-ssn',
  'bank-account': 'iban',
  'iban-number': 'iban',
  email: 'email-address',
  'e-mail': 'email-address',
  'aws-key': 'aws-access-key-id',
  'access-key': 'aws-access-key-id',
  'aws-access-key': 'aws-access-key-id',
};

const normalise = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_.]+/g, '-');

/**
 * The candidate id closest to a misspelt or misremembered detector name, for messages like
 * `unknown detector "credit_card" (did you mean "payment-card"?)`: case, `_` and spaces are
 * ignored, common synonyms are known, otherwise the nearest id by edit distance if it is
 * close enough to be a typo (at most a third of its length). Undefined when nothing is close.
 */
export function suggestDetectorId(name: string, candidates: readonly string[]): string | undefined {
  const input = normalise(name);
  if (!input) return undefined;
  const synonym = SYNONYMS[input];
  if (synonym && candidates.includes(synonym)) return synonym;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input, normalise(c));
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
