import { findAttributeValueRanges, findTextRanges } from '../html/text-ranges.js';
import { escapeHtml } from '../html/escape.js';
import type { Detector, DetectorMatch } from './detector.js';
import { maskValue, type MaskStyle } from './mask.js';

/** Result of a redaction: the new text and how many matches each detector masked. */
export interface RedactionResult {
  text: string;
  counts: Record<string, number>;
}

interface Hit extends DetectorMatch {
  detector: string;
  order: number;
}

const URL = /\b(?:https?|ftp):\/\/[^\s<>"']+/gi;

/** Matches of all detectors, overlaps resolved: earliest first, then longest, then detector order. */
function collect(text: string, detectors: readonly Detector[], skipUrls: boolean): Hit[] {
  const urls = skipUrls ? [...text.matchAll(URL)].map((m) => [m.index, m.index + m[0].length] as const) : [];
  const all: Hit[] = detectors.flatMap((d, order) => d.find(text).map((m) => ({ ...m, detector: d.id, order })));
  all.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || a.order - b.order);
  const out: Hit[] = [];
  let end = 0;
  for (const hit of all) {
    if (hit.start < end) continue;
    if (urls.some(([s, e]) => hit.start < e && hit.end > s)) continue;
    out.push(hit);
    end = hit.end;
  }
  return out;
}

/** Options of the redaction functions. */
export interface RedactOptions {
  /** Also redact inside URLs (off: a card number in a link's query is the link's business). */
  urls?: boolean;
}

/** Redacts plain text. */
export function redactText(text: string, detectors: readonly Detector[], mask: MaskStyle, options: RedactOptions = {}): RedactionResult {
  const counts: Record<string, number> = {};
  let out = '';
  let pos = 0;
  for (const hit of collect(text, detectors, !options.urls)) {
    out += text.slice(pos, hit.start) + maskValue(hit.value, mask);
    pos = hit.end;
    counts[hit.detector] = (counts[hit.detector] ?? 0) + 1;
  }
  return { text: out + text.slice(pos), counts };
}

/** Named entities common in text; others are left as written. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes character references, keeping for each decoded character its raw offset. */
function decodeWithMap(raw: string): { text: string; starts: number[]; ends: number[] } {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const re = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/y;
  for (let i = 0; i < raw.length; ) {
    re.lastIndex = i;
    const m = raw[i] === '&' ? re.exec(raw) : null;
    let decoded: string | undefined;
    if (m) {
      const code = m[1] ? Number(m[1]) : m[2] ? parseInt(m[2], 16) : undefined;
      decoded = code !== undefined ? (code <= 0x10ffff ? String.fromCodePoint(code) : undefined) : ENTITIES[m[3]!.toLowerCase()];
    }
    if (m && decoded !== undefined) {
      for (const ch of decoded) {
        text += ch;
        starts.push(i);
        ends.push(i + m[0].length);
      }
      i += m[0].length;
    } else {
      text += raw[i];
      starts.push(i);
      ends.push(i + 1);
      i++;
    }
  }
  return { text, starts, ends };
}

/**
 * Redacts the text of an HTML document: only character data a reader sees (never tags,
 * comments, scripts or styles; attribute values only with `attributes`). Character references
 * are decoded before matching, so `4111&#32;1111…` is found, and the raw span is replaced by
 * the escaped mask; everything else keeps its bytes.
 */
export function redactHtml(
  html: string,
  detectors: readonly Detector[],
  mask: MaskStyle,
  options: RedactOptions & { attributes?: boolean } = {},
): { html: string; counts: Record<string, number> } {
  const ranges = [...findTextRanges(html), ...(options.attributes ? findAttributeValueRanges(html) : [])].sort((a, b) => a.start - b.start);
  const counts: Record<string, number> = {};
  let out = '';
  let pos = 0;
  for (const range of ranges) {
    const raw = html.slice(range.start, range.end);
    const { text, starts, ends } = decodeWithMap(raw);
    for (const hit of collect(text, detectors, !options.urls)) {
      const rawStart = range.start + starts[hit.start]!;
      const rawEnd = range.start + ends[hit.end - 1]!;
      out += html.slice(pos, rawStart) + escapeHtml(maskValue(hit.value, mask));
      pos = rawEnd;
      counts[hit.detector] = (counts[hit.detector] ?? 0) + 1;
    }
  }
  return { html: out + html.slice(pos), counts };
}
