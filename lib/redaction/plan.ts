import type { Detector } from './detector.js';
import { DEFAULT_REPLACEMENT, isAlignedMask, maskValue, type MaskStyle } from './mask.js';
import { resolveMatches, type RedactionHit, type ResolveOptions } from './resolve-matches.js';

/** A match and what replaces it. */
export interface PlannedReplacement extends RedactionHit {
  replacement: string;
  /** The replacement has one code point per code point of the value (keep-last masking). */
  aligned: boolean;
}

/** What {@link planRedaction} decided. */
export interface RedactionPlan {
  /** Sorted, non-overlapping, in the coordinates of the input text. */
  replacements: PlannedReplacement[];
  /** Matches masked, per detector id (only ids with at least one). */
  counts: Record<string, number>;
}

/**
 * Ever stronger masks for a match whose mask is detected again: the configured mask, then
 * every letter and digit masked (keep-last) or the default replacement (full), then the
 * default replacement.
 */
function maskAtLevel(mask: MaskStyle, level: number): MaskStyle {
  if (level === 0) return mask;
  if (level === 1 && mask.style === 'keep-last') return { style: 'keep-last', keep: 0, ...(mask.maskChar ? { maskChar: mask.maskChar } : {}) };
  return { style: 'full', replacement: DEFAULT_REPLACEMENT };
}
const MAX_LEVEL = 2;
/** Re-scans before giving up; each round strengthens masks or adds matches, so few are needed. */
const MAX_ROUNDS = 8;

interface Span extends RedactionHit {
  level: number;
}

function render(text: string, spans: readonly Span[], mask: MaskStyle): { out: string; at: Int32Array } {
  // at[2k], at[2k+1]: where span k's replacement lies in the output.
  const at = new Int32Array(spans.length * 2);
  let out = '';
  let pos = 0;
  spans.forEach((s, k) => {
    out += text.slice(pos, s.start);
    at[2 * k] = out.length;
    out += maskValue(s.value, maskAtLevel(mask, s.level), s.detector);
    at[2 * k + 1] = out.length;
    pos = s.end;
  });
  return { out: out + text.slice(pos), at };
}

/**
 * Decides what to mask in `text`: every match of `detectors` (overlaps resolved, see
 * {@link resolveMatches}), masked with `mask`. Then makes sure the result is a fixed point, so
 * redacting the output again finds nothing: it re-scans the masked text, and a mask that is
 * itself detected (a kept tail that forms a new number with the text after it, a replacement
 * that a custom pattern matches) is replaced by a stronger one (see {@link maskAtLevel});
 * matches that only appear once their neighbours are masked are masked too, and counted.
 * Gives up after a few rounds: only a custom pattern that matches the default replacement
 * itself can defeat it.
 */
export function planRedaction(text: string, detectors: readonly Detector[], mask: MaskStyle, options: ResolveOptions = {}): RedactionPlan {
  let spans: Span[] = resolveMatches(text, detectors, options).map((h) => ({ ...h, level: 0 }));
  const counts: Record<string, number> = {};
  const count = (h: RedactionHit) => (counts[h.detector] = (counts[h.detector] ?? 0) + 1);
  spans.forEach(count);

  for (let round = 0; round < MAX_ROUNDS && spans.length; round++) {
    const { out, at } = render(text, spans, mask);
    const again = resolveMatches(out, detectors, options);
    if (!again.length) break;
    let changed = false;
    const fresh: Span[] = [];
    let k = 0;
    for (const hit of again) {
      // Spans are sorted and so are hits: skip the spans that end before this hit.
      while (k < spans.length && at[2 * k + 1]! <= hit.start) k++;
      let overlapped = false;
      for (let j = k; j < spans.length && at[2 * j]! < hit.end; j++) {
        // An empty replacement cannot be detected; it can only sit next to a match.
        if (at[2 * j + 1]! <= hit.start || at[2 * j]! === at[2 * j + 1]!) continue;
        overlapped = true;
        const span = spans[j]!;
        // Skip levels that would write the same mask (keep-last with keep 0 is level 1 already).
        const current = maskValue(span.value, maskAtLevel(mask, span.level), span.detector);
        while (span.level < MAX_LEVEL && maskValue(span.value, maskAtLevel(mask, span.level), span.detector) === current) {
          span.level++;
          changed = true;
        }
      }
      if (overlapped) continue;
      // Entirely in unchanged text: shift back by how much the replacements before it grew.
      const delta = k > 0 ? at[2 * k - 1]! - spans[k - 1]!.end : 0;
      fresh.push({ ...hit, start: hit.start - delta, end: hit.end - delta, level: 0 });
    }
    if (fresh.length) {
      fresh.forEach(count);
      spans = [...spans, ...fresh].sort((a, b) => a.start - b.start);
      changed = true;
    }
    if (!changed) break;
  }

  return {
    replacements: spans.map((s) => {
      const m = maskAtLevel(mask, s.level);
      return { start: s.start, end: s.end, value: s.value, detector: s.detector, replacement: maskValue(s.value, m, s.detector), aligned: isAlignedMask(m) };
    }),
    counts,
  };
}
