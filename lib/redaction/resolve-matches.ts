import type { Detector, DetectorMatch } from './detector.js';

/** A match attributed to the detector that found it. */
export interface RedactionHit extends DetectorMatch {
  detector: string;
}

/** Options of {@link resolveMatches}. */
export interface ResolveOptions {
  /** Also match inside URLs written in the text (default false: a URL is left whole). */
  urls?: boolean;
}

/** URLs written out in text; matches inside them are left alone unless `urls` is set. */
const URL = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`]+/gi;

/**
 * The matches of all detectors in `text`, overlaps resolved: the earliest start wins, then the
 * longest match, then the detector listed first. Matches a detector reports out of bounds or
 * with a wrong `value` are dropped rather than trusted.
 */
export function resolveMatches(text: string, detectors: readonly Detector[], options: ResolveOptions = {}): RedactionHit[] {
  const all: (RedactionHit & { order: number })[] = [];
  detectors.forEach((d, order) => {
    for (const m of d.find(text)) {
      if (!(m.start >= 0 && m.end > m.start && m.end <= text.length)) continue;
      all.push({ start: m.start, end: m.end, value: text.slice(m.start, m.end), detector: d.id, order });
    }
  });
  if (!all.length) return [];
  all.sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
  const urls = options.urls ? [] : [...text.matchAll(URL)].map((m) => [m.index, m.index + m[0].length] as const);
  const out: RedactionHit[] = [];
  let end = 0;
  let u = 0;
  for (const hit of all) {
    if (hit.start < end) continue;
    while (u < urls.length && urls[u]![1] <= hit.start) u++;
    const url = urls[u];
    if (url && url[0] < hit.end) continue;
    out.push({ start: hit.start, end: hit.end, value: hit.value, detector: hit.detector });
    end = hit.end;
  }
  return out;
}
