import { tokenizeHtml, type HtmlToken } from './tokenize.js';

/**
 * A [start, end) range of raw HTML holding character data, and how its character references
 * read: `text` (HTML text content: `&amp;`, `&#52;`, `&nbsp` are decoded), `attribute` (an
 * attribute value: as text, except that a named reference without `;` followed by `=` or a
 * letter or digit stays literal, as in browsers), or `literal` (`<xmp>`, `<plaintext>`: nothing
 * is decoded).
 */
export interface TextRange {
  start: number;
  end: number;
  decode: 'text' | 'attribute' | 'literal';
  /** Set on values of unquoted attributes, where inserted whitespace would end the value. */
  unquoted?: boolean;
}

/**
 * Text ranges a reader sees as one continuous string: text nodes joined across inline tags
 * (`<b>`, `<span>`, `<a>` …) and ordinary comments, so `4111<span> 1111</span>` is one run.
 * Block-level tags, `<br>`, hidden elements and conditional comments end a run. Each attribute
 * value is a run of its own.
 */
export interface TextRun {
  ranges: TextRange[];
}

/** Options of {@link findTextRuns} and {@link findTextRanges}. */
export interface TextRangeOptions {
  /** Include attribute values (default false). */
  attributes?: boolean;
  /**
   * Include the text of Outlook conditional comments (`<!--[if mso]>…<![endif]-->`), which
   * Outlook renders. Default true.
   */
  conditionalComments?: boolean;
}

/** Elements whose text content no reader sees. */
const HIDDEN = new Set(['script', 'style', 'iframe', 'noembed', 'noframes', 'template']);
/** Text-only elements whose content is shown as written, references and all. */
const LITERAL = new Set(['xmp', 'plaintext']);
/** Inline elements: their tags do not separate words, so text runs on across them. */
const INLINE = new Set([
  'a',
  'abbr',
  'acronym',
  'b',
  'bdi',
  'bdo',
  'big',
  'blink',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'label',
  'mark',
  'nobr',
  'o:p',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
  'wbr',
]);
/** `<!--[if mso]>…<![endif]-->`: content between the two markers is HTML that Outlook renders. */
const CONDITIONAL = /^\[if\s[^\]]*\]>([\s\S]*)<!\[endif\]\s*$/i;

/**
 * The runs of reader-visible text in `html`, ordered by where they start: text outside tags,
 * comments, `<script>`, `<style>`, `<template>`, `<iframe>`, `<noembed>` and `<noframes>`.
 * `<title>`, `<textarea>` and `<noscript>` text is included (clients may show it; redacting it
 * is harmless), and so is the text inside Outlook conditional comments unless
 * `conditionalComments` is false. Offsets are into the raw string; references are not decoded
 * (see {@link TextRange.decode}).
 */
export function findTextRuns(html: string, options: TextRangeOptions = {}): TextRun[] {
  const runs: TextRun[] = [];
  collectRuns(html, tokenizeHtml(html).tokens, 0, options, runs, true);
  // Attribute runs are emitted while an enclosing text run is still open.
  return runs.sort((a, b) => a.ranges[0]!.start - b.ranges[0]!.start);
}

function collectRuns(html: string, tokens: readonly HtmlToken[], offset: number, options: TextRangeOptions, runs: TextRun[], outer: boolean): void {
  let current: TextRange[] = [];
  let templates = 0;
  const flush = () => {
    if (current.length) runs.push({ ranges: current });
    current = [];
  };
  const add = (range: TextRange) => {
    const last = current[current.length - 1];
    if (last && last.end === range.start && last.decode === range.decode) last.end = range.end;
    else current.push(range);
  };
  for (const t of tokens) {
    switch (t.type) {
      case 'text': {
        if (templates > 0 || (t.element && HIDDEN.has(t.element))) break;
        add({ start: offset + t.start, end: offset + t.end, decode: t.element && LITERAL.has(t.element) ? 'literal' : 'text' });
        break;
      }
      case 'start-tag': {
        if (t.name === 'template' && !t.selfClosing) templates++;
        if (!INLINE.has(t.name)) flush();
        if (options.attributes) {
          for (const a of t.attributes) {
            if (a.valueStart < 0 || a.valueEnd <= a.valueStart) continue;
            runs.push({
              ranges: [{ start: offset + a.valueStart, end: offset + a.valueEnd, decode: 'attribute', ...(a.quote === 'unquoted' ? { unquoted: true } : {}) }],
            });
          }
        }
        break;
      }
      case 'end-tag': {
        if (t.name === 'template' && templates > 0) templates--;
        if (!INLINE.has(t.name)) flush();
        break;
      }
      case 'comment': {
        const conditional =
          outer && !t.cdata && t.terminated && options.conditionalComments !== false ? CONDITIONAL.exec(html.slice(t.contentStart, t.contentEnd)) : null;
        if (!conditional) {
          // An ordinary comment is invisible: text on both sides runs together. CDATA is not.
          if (t.cdata) flush();
          break;
        }
        flush();
        const innerStart = t.contentStart + conditional[0].indexOf(']>') + 2;
        const inner = conditional[1]!;
        collectRuns(inner, tokenizeHtml(inner).tokens, offset + innerStart, options, runs, false);
        break;
      }
      case 'doctype':
        flush();
        break;
    }
  }
  flush();
}

/**
 * The [start, end) ranges of character data a reader sees (see {@link findTextRuns} for what
 * counts), in document order, adjacent ranges of one kind merged.
 */
export function findTextRanges(html: string, options: Omit<TextRangeOptions, 'attributes'> = {}): TextRange[] {
  return findTextRuns(html, { ...options, attributes: false }).flatMap((run) => run.ranges);
}

/**
 * The ranges of attribute values (inside their quotes; empty values left out), for redaction
 * that is explicitly asked to look there. Includes attributes inside Outlook conditional
 * comments unless `conditionalComments` is false.
 */
export function findAttributeValueRanges(html: string, options: Omit<TextRangeOptions, 'attributes'> = {}): TextRange[] {
  return findTextRuns(html, { ...options, attributes: true })
    .flatMap((run) => run.ranges)
    .filter((r) => r.decode === 'attribute');
}
