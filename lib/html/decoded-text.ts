import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';
import { escapeHtmlAscii } from './escape.js';
import type { TextRange, TextRun } from './text-ranges.js';

/**
 * A text run as a reader sees it (character references decoded), with a map from each UTF-16
 * unit back to the raw characters it came from: a single character, or a whole reference
 * (`&#52;`, `&nbsp;`), which every unit it decodes to shares.
 */
export interface DecodedRun {
  text: string;
  /** `rawStart[i]`/`rawEnd[i]`: the raw [start, end) that unit `i` of `text` was decoded from. */
  rawStart: Int32Array;
  rawEnd: Int32Array;
  ranges: readonly TextRange[];
}

/** A replacement in decoded coordinates: `text.slice(start, end)` becomes `replacement`. */
export interface DecodedEdit {
  start: number;
  end: number;
  replacement: string;
  /**
   * The replacement has one code point for each code point it replaces (as keep-last masking
   * does), so it can be spread over the raw characters: unchanged characters, including
   * references such as `&nbsp;`, keep their raw form and text split by tags stays split.
   */
  aligned?: boolean;
}

/** A replacement in the raw HTML string. */
export interface RawEdit {
  start: number;
  end: number;
  text: string;
}

class MapBuilder {
  private readonly parts: string[] = [];
  rawStart: Int32Array;
  rawEnd: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.rawStart = new Int32Array(Math.max(capacity, 16));
    this.rawEnd = new Int32Array(Math.max(capacity, 16));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.rawStart.length) return;
    const size = Math.max(this.rawStart.length * 2, this.length + n);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.rawStart = grow(this.rawStart);
    this.rawEnd = grow(this.rawEnd);
  }

  /** Raw characters `html[start, end)` that read as themselves. */
  literal(html: string, start: number, end: number): void {
    this.reserve(end - start);
    for (let i = start; i < end; i++) {
      this.rawStart[this.length] = i;
      this.rawEnd[this.length++] = i + 1;
    }
    this.parts.push(html.slice(start, end));
  }

  /** Decoded text that came from the reference `html[start, end)`. */
  reference(decoded: string, start: number, end: number): void {
    this.reserve(decoded.length);
    for (let i = 0; i < decoded.length; i++) {
      this.rawStart[this.length] = start;
      this.rawEnd[this.length++] = end;
    }
    this.parts.push(decoded);
  }

  build(ranges: readonly TextRange[]): DecodedRun {
    return { text: this.parts.join(''), rawStart: this.rawStart.subarray(0, this.length), rawEnd: this.rawEnd.subarray(0, this.length), ranges };
  }
}

/**
 * Decodes the references in `html[range.start, range.end)` with htmlparser2's own tokenizer,
 * so every named reference of HTML5, numeric references, and legacy forms without `;` read
 * exactly as the parser reads them.
 */
function decodeRange(html: string, range: TextRange, out: MapBuilder): void {
  const raw = html.slice(range.start, range.end);
  if (range.decode === 'literal' || !raw.includes('&')) {
    out.literal(html, range.start, range.end);
    return;
  }
  const base = range.start;
  // In the text state only `<` and `&` mean anything; with `<` blanked out (same length), the
  // tokenizer reports the whole range as text and references, whatever element it came from.
  const input = raw.replace(/</g, ' ');
  let at = 0;
  let refStart = 0;
  let refLiteral = false;
  const callbacks: TokenizerCallbacks = {
    ontext(start, end) {
      out.literal(html, base + start, base + end);
      at = end;
    },
    ontextentity(codePoint, end) {
      if (end !== at) {
        // A new reference (a second code point of the same one arrives with the same end).
        refStart = at;
        // Attribute values keep `&copy=` and `&copyx` literal where text would decode `&copy`.
        refLiteral = range.decode === 'attribute' && raw[refStart + 1] !== '#' && raw[end - 1] !== ';' && /[=A-Za-z0-9]/.test(raw[end] ?? '');
        if (refLiteral) out.literal(html, base + refStart, base + end);
      }
      if (!refLiteral) out.reference(String.fromCodePoint(codePoint), base + refStart, base + end);
      at = end;
    },
    onattribdata() {},
    onattribentity() {},
    onattribend() {},
    onattribname() {},
    oncdata() {},
    onclosetag() {},
    oncomment() {},
    ondeclaration() {},
    onend() {},
    onopentagend() {},
    onopentagname() {},
    onprocessinginstruction() {},
    onselfclosingtag() {},
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, callbacks);
  tokenizer.write(input);
  tokenizer.end();
}

/** Decodes a text run (see {@link DecodedRun}). */
export function decodeRun(html: string, run: TextRun): DecodedRun {
  const out = new MapBuilder(run.ranges.reduce((n, r) => n + r.end - r.start, 0));
  for (const range of run.ranges) decodeRange(html, range, out);
  return out.build(run.ranges);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The range of `run.ranges` holding raw offset `at`. */
function rangeAt(ranges: readonly TextRange[], at: number): TextRange {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return ranges[lo]!;
}

function escapeFor(range: TextRange, text: string): string {
  // `<xmp>`/`<plaintext>` show references literally: there, text can only be written as is.
  if (range.decode === 'literal') return text;
  return escapeHtmlAscii(text, { unquotedAttribute: range.unquoted === true });
}

/**
 * Turns replacements of decoded text into replacements of the raw HTML. An edit that cuts
 * through a reference or a surrogate pair is widened to all of it (the extra characters are
 * kept). An aligned replacement is spread over the raw characters it replaces and leaves alone
 * the ones it does not change; any other replacement goes where the replaced text starts, and
 * the rest of that text (possibly on the far side of inline tags) is removed. Inserted text is
 * escaped for where it goes (see {@link escapeHtmlAscii}).
 */
export function toRawEdits(html: string, run: DecodedRun, edits: readonly DecodedEdit[]): RawEdit[] {
  const { text, rawStart, rawEnd } = run;
  const out: RawEdit[] = [];
  const sameChar = (i: number) => rawStart[i] === rawStart[i - 1] || (isLow(text.charCodeAt(i)) && isHigh(text.charCodeAt(i - 1)));
  for (const edit of edits) {
    let start = edit.start;
    let end = edit.end;
    if (end <= start && edit.replacement === '') continue;
    while (start > 0 && start < text.length && sameChar(start)) start--;
    while (end > 0 && end < text.length && sameChar(end)) end++;
    const replacement = text.slice(start, edit.start) + edit.replacement + text.slice(edit.end, end);
    const original = [...text.slice(start, end)];
    const pieces = [...replacement];
    const aligned = edit.aligned === true && pieces.length === original.length;

    // Walk the replaced text one raw character or reference at a time.
    const local: RawEdit[] = [];
    let cp = 0;
    for (let i = start; i < end; ) {
      let j = i + 1;
      while (j < end && sameChar(j)) j++;
      const decoded = text.slice(i, j);
      const count = [...decoded].length;
      const range = rangeAt(run.ranges, rawStart[i]!);
      let piece: string | undefined;
      if (aligned) {
        const next = pieces.slice(cp, cp + count).join('');
        if (next !== decoded) piece = escapeFor(range, next);
      } else {
        piece = i === start ? escapeFor(range, replacement) : '';
      }
      if (piece !== undefined) {
        const last = local[local.length - 1];
        if (last && last.end === rawStart[i]) {
          last.end = rawEnd[i]!;
          last.text += piece;
        } else {
          local.push({ start: rawStart[i]!, end: rawEnd[i]!, text: piece });
        }
      }
      cp += count;
      i = j;
    }
    if (start === end && !aligned) {
      // A pure insertion (no replaced text): put it where the edit is.
      const at = start < text.length ? rawStart[start]! : text.length ? rawEnd[text.length - 1]! : run.ranges[0]!.start;
      local.push({ start: at, end: at, text: escapeFor(rangeAt(run.ranges, at), replacement) });
    }
    out.push(...local);
  }
  // Guard each edit's left side, looking no further back than the previous edit: its text is
  // escaped, so no tag or reference can start inside it.
  out.sort((a, b) => a.start - b.start);
  return out.map((e, i) => {
    const range = rangeAt(run.ranges, e.start);
    return guardLeftContext(html, e, Math.max(range.start, i > 0 ? out[i - 1]!.end : 0), range);
  });
}

const hex = (c: string) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`;

/**
 * Keeps an edit from changing what the raw text before it means. A text `<` (as in `a <4111`)
 * followed by a letter, `/`, `!` or `?` would start a tag or comment, and an `&` or an
 * unfinished reference (`&co`) followed by a letter, digit, `#` or `;` could become a character
 * reference: if the edit would put such a character right there, that character is written as
 * a reference; if the edit deletes text and the raw text after it would land there, the `<` or
 * `&` itself is written as `&lt;` or `&amp;` instead.
 */
function guardLeftContext(html: string, edit: RawEdit, floor: number, range: TextRange): RawEdit {
  if (range.decode === 'literal' || edit.start <= floor) return edit;
  let opener = edit.start - 1;
  if (html[opener] !== '<') {
    while (opener > floor && /[A-Za-z0-9#]/.test(html[opener]!)) opener--;
    if (html[opener] !== '&') return edit;
  }
  const risky = html[opener] === '<' ? /^[A-Za-z/!?]/ : /^[A-Za-z0-9#;]/;
  if (edit.text) return risky.test(edit.text) ? { ...edit, text: hex(edit.text[0]!) + edit.text.slice(1) } : edit;
  if (!risky.test(html[edit.end] ?? '')) return edit;
  const escaped = html[opener] === '<' ? '&lt;' : '&amp;';
  return { start: opener, end: edit.end, text: escaped + html.slice(opener + 1, edit.start) };
}

/**
 * Applies non-overlapping raw edits to `html`; every character outside them is unchanged.
 * @throws RangeError when two edits overlap.
 */
export function applyRawEdits(html: string, edits: readonly RawEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new RangeError(`overlapping HTML edits at ${e.start}`);
    out += html.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + html.slice(pos);
}
