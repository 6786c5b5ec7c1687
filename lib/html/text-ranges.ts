import { Parser } from 'htmlparser2';

/** A [start, end) range of the raw HTML string. */
export interface TextRange {
  start: number;
  end: number;
}

const HIDDEN = new Set(['script', 'style', 'template', 'noscript']);

/**
 * Ranges of character data a reader sees: text outside tags, comments, `<script>`, `<style>`,
 * `<template>` and `<noscript>`. Offsets are into the raw string, entities not decoded.
 * `<title>` text counts (clients may show it). Adjacent ranges are merged.
 */
export function findTextRanges(html: string): TextRange[] {
  const ranges: TextRange[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hidden++;
      },
      onclosetag(name) {
        if (HIDDEN.has(name) && hidden > 0) hidden--;
      },
      ontext() {
        if (hidden) return;
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        const last = ranges[ranges.length - 1];
        if (last && last.end === start) last.end = end;
        else ranges.push({ start, end });
      },
    },
    { lowerCaseTags: true, decodeEntities: false },
  );
  parser.end(html);
  return ranges.filter((r) => r.end > r.start);
}

/** Ranges of attribute values (inside their quotes), for redaction that is asked to go there. */
export function findAttributeValueRanges(html: string): TextRange[] {
  const ranges: TextRange[] = [];
  const parser = new Parser(
    {
      onopentag() {
        const tag = html.slice(parser.startIndex, parser.endIndex + 1);
        const attr = /\s[^\s"'<>\/=]+\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;
        for (let m = attr.exec(tag); m; m = attr.exec(tag)) {
          const value = m[1] ?? m[2] ?? m[3] ?? '';
          const start = parser.startIndex + m.index + m[0].length - value.length - (m[3] === undefined ? 1 : 0);
          ranges.push({ start, end: start + value.length });
        }
      },
    },
    { lowerCaseTags: true, decodeEntities: false },
  );
  parser.end(html);
  return ranges;
}
