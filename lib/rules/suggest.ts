/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to `input` (ignoring case, `_` vs `-`), if it is close enough to be a typo. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\s]/g, '-');
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(norm(input), norm(c));
    if (d < bestScore) [best, bestScore] = [c, d];
  }
  // Also accept synonyms that share a word ("credit_card" → "payment-card").
  if (best && bestScore <= Math.max(2, Math.floor(best.length / 3))) return best;
  return candidates.find((c) =>
    norm(c)
      .split('-')
      .some((w) => w.length > 2 && norm(input).split('-').includes(w)),
  );
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const hit = closest(input, candidates);
  return hit ? ` (did you mean "${hit}"?)` : '';
}
