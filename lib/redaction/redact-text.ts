import { applyRawEdits, decodeRun, toRawEdits, type RawEdit } from '../html/decoded-text.js';
import { findTextRuns } from '../html/text-ranges.js';
import type { Detector } from './detector.js';
import { RedactionError } from './errors.js';
import { maskProblem, type MaskStyle } from './mask.js';
import { planRedaction } from './plan.js';

/** Result of {@link redactText}: the new text and how many matches each detector masked. */
export interface RedactionResult {
  text: string;
  /** Matches masked per detector id; detectors that found nothing are absent. */
  counts: Record<string, number>;
}

/** Result of {@link redactHtml}. */
export interface HtmlRedactionResult {
  html: string;
  counts: Record<string, number>;
}

/** Options of the redaction functions. */
export interface RedactOptions {
  /** Also redact inside URLs written in the text (default false: a URL is left whole). */
  urls?: boolean;
}

/** Options of {@link redactHtml}. */
export interface RedactHtmlOptions extends RedactOptions {
  /** Also redact inside attribute values: `title`, `alt`, `href` … (default false). */
  attributes?: boolean;
}

function checkMask(mask: MaskStyle): void {
  const problem = maskProblem(mask);
  if (problem) throw new RedactionError('REDACTION_INVALID_MASK', `invalid mask: ${problem}`);
}

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [id, n] of Object.entries(counts)) into[id] = (into[id] ?? 0) + n;
}

/**
 * Masks every match of `detectors` in plain text. Overlapping matches of several detectors are
 * resolved earliest first, then longest, then by detector order. Idempotent: redacting the
 * output again finds nothing (see `planRedaction`).
 * @throws RedactionError `REDACTION_INVALID_MASK` for a malformed mask.
 */
export function redactText(text: string, detectors: readonly Detector[], mask: MaskStyle, options: RedactOptions = {}): RedactionResult {
  checkMask(mask);
  const plan = planRedaction(text, detectors, mask, options);
  let out = '';
  let pos = 0;
  for (const r of plan.replacements) {
    out += text.slice(pos, r.start) + r.replacement;
    pos = r.end;
  }
  return { text: out + text.slice(pos), counts: plan.counts };
}

/**
 * Masks matches in the text of an HTML document a reader sees, by splicing: tags, comments,
 * `<script>`, `<style>` and everything else keep their exact characters; attribute values only
 * with `attributes`. Detectors see each run of text decoded (`4111&nbsp;1111`, `&#52;111`)
 * and joined across inline tags (`4111 <b>1111</b> …`), so such numbers are found; the raw
 * characters they came from are replaced by the HTML-escaped mask (see `toRawEdits`), and a
 * keep-last mask leaves untouched references and tags where they were. Text inside Outlook
 * conditional comments counts as text. Idempotent like {@link redactText}.
 */
export function redactHtml(html: string, detectors: readonly Detector[], mask: MaskStyle, options: RedactHtmlOptions = {}): HtmlRedactionResult {
  checkMask(mask);
  const counts: Record<string, number> = {};
  const edits: RawEdit[] = [];
  for (const run of findTextRuns(html, { attributes: options.attributes === true })) {
    const decoded = decodeRun(html, run);
    const plan = planRedaction(decoded.text, detectors, mask, options);
    if (!plan.replacements.length) continue;
    addCounts(counts, plan.counts);
    edits.push(
      ...toRawEdits(
        html,
        decoded,
        plan.replacements.map((r) => ({ start: r.start, end: r.end, replacement: r.replacement, aligned: r.aligned })),
      ),
    );
  }
  return { html: edits.length ? applyRawEdits(html, edits) : html, counts };
}
