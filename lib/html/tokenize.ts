import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * Elements whose content htmlparser2's tokenizer (like a browser) reads as plain text up to
 * the matching end tag: `</body>` inside `<script>` is text, not a tag. `title` and `textarea`
 * decode character references in that text (RCDATA); the others do not (RAWTEXT).
 */
export const TEXT_ONLY_ELEMENTS: ReadonlySet<string> = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);

/** An attribute of a start tag; offsets into the tokenized string. */
export interface HtmlAttribute {
  /** Lower-cased name. */
  name: string;
  /** Where the name starts. */
  start: number;
  /** The value's [valueStart, valueEnd) inside its quotes; both -1 for an attribute without a value. */
  valueStart: number;
  valueEnd: number;
  quote: 'double' | 'single' | 'unquoted' | 'none';
}

/** One token of an HTML document. All offsets are [start, end) into the tokenized string. */
export type HtmlToken =
  | {
      type: 'text';
      start: number;
      end: number;
      /** The text-only element (see {@link TEXT_ONLY_ELEMENTS}) this text is the content of, if any. */
      element?: string;
    }
  | { type: 'start-tag'; start: number; end: number; name: string; selfClosing: boolean; attributes: HtmlAttribute[] }
  | { type: 'end-tag'; start: number; end: number; name: string }
  | {
      /** A comment, including bogus ones (`<!foo>`, `<?xml …?>`, `</ x>`), and, as htmlparser2 reads them, `<![CDATA[…]]>` sections. */
      type: 'comment';
      start: number;
      end: number;
      contentStart: number;
      contentEnd: number;
      /** False when the comment runs to the end of the input. */
      terminated: boolean;
      cdata: boolean;
    }
  | { type: 'doctype'; start: number; end: number };

/** The tokens of a document, and where its last complete token ends. */
export interface TokenizedHtml {
  tokens: HtmlToken[];
  /**
   * The last offset where markup can be inserted and still read as markup: the start of an
   * unterminated tag, comment or text-only element (`<script>` without `</script>`,
   * `<plaintext>`) that runs to the end of the input, or of a trailing `</`; else the length.
   */
  openEnd: number;
}

interface PendingTag {
  name: string;
  start: number;
  attributes: HtmlAttribute[];
}

/**
 * Tokenizes HTML with htmlparser2's `Tokenizer` (HTML mode, character references left
 * undecoded) and reports every token with exact string offsets. Unlike `Parser`, the tokenizer
 * invents no implied tags and keeps the offsets of end tags exact, and, unlike a regular
 * expression, it knows that `</body>` in a comment, in `<script>`/`<style>`, or `>` inside a
 * quoted attribute value, is not markup. Consecutive text is one token.
 *
 * SVG/MathML are not treated as foreign content: `<style>` and `<script>` inside `<svg>` are
 * still read as text-only elements, which hides their content (the safe reading for us).
 */
export function tokenizeHtml(html: string): TokenizedHtml {
  const tokens: HtmlToken[] = [];
  let tag: PendingTag | undefined;
  let attribute: HtmlAttribute | undefined;
  /** The text-only element we are in, with where its start tag begins. */
  let textOnly: { name: string; start: number } | undefined;
  let covered = 0;
  let openComment = -1;

  const lower = (start: number, end: number) => html.slice(start, end).toLowerCase();
  const markupStart = (contentStart: number) => html.lastIndexOf('<', contentStart - 1);
  const push = (token: HtmlToken) => {
    tokens.push(token);
    covered = token.end;
  };

  const finishStartTag = (gt: number, selfClosing: boolean) => {
    if (!tag) return;
    push({ type: 'start-tag', start: tag.start, end: gt + 1, name: tag.name, selfClosing, attributes: tag.attributes });
    // In HTML mode `<script/>` still opens a script: the tokenizer ignores the slash there.
    if (TEXT_ONLY_ELEMENTS.has(tag.name)) textOnly = { name: tag.name, start: tag.start };
    tag = undefined;
  };

  const callbacks: TokenizerCallbacks = {
    ontext(start, end) {
      // After an end tag whose `>` never comes, the tokenizer reports the rest with start -1.
      if (start < 0 || end <= start) return;
      const last = tokens[tokens.length - 1];
      if (last?.type === 'text' && last.end === start) {
        last.end = end;
        covered = end;
        return;
      }
      push(textOnly ? { type: 'text', start, end, element: textOnly.name } : { type: 'text', start, end });
    },
    ontextentity() {},
    onopentagname(start, end) {
      tag = { name: lower(start, end), start: start - 1, attributes: [] };
    },
    onattribname(start, end) {
      attribute = { name: lower(start, end), start, valueStart: -1, valueEnd: -1, quote: 'none' };
    },
    onattribdata(start, end) {
      if (!attribute) return;
      if (attribute.valueStart < 0) attribute.valueStart = start;
      attribute.valueEnd = end;
    },
    onattribentity() {},
    onattribend(quote, endIndex) {
      if (!attribute || !tag) return;
      if (quote === QuoteType.NoValue) {
        attribute.valueStart = attribute.valueEnd = -1;
      } else if (quote === QuoteType.Unquoted) {
        attribute.quote = 'unquoted';
      } else {
        attribute.quote = quote === QuoteType.Double ? 'double' : 'single';
        // `endIndex` is just past the closing quote; an empty value has no data event.
        if (attribute.valueStart < 0) attribute.valueStart = attribute.valueEnd = endIndex - 1;
      }
      tag.attributes.push(attribute);
      attribute = undefined;
    },
    onopentagend(gt) {
      finishStartTag(gt, false);
    },
    onselfclosingtag(gt) {
      finishStartTag(gt, true);
    },
    onclosetag(start, end) {
      const name = lower(start, end);
      // The tokenizer skips to the next `>` without reporting it; without one the tag is dropped.
      const gt = html.indexOf('>', end);
      if (gt < 0) return;
      if (textOnly?.name === name) textOnly = undefined;
      push({ type: 'end-tag', start: start - 2, end: gt + 1, name });
    },
    oncomment(start, endIndex, offset) {
      const terminated = endIndex < html.length;
      const begin = markupStart(start);
      if (!terminated) openComment = begin;
      push({
        type: 'comment',
        start: begin,
        end: terminated ? endIndex + 1 : html.length,
        contentStart: start,
        contentEnd: Math.max(start, endIndex - offset),
        terminated,
        cdata: false,
      });
    },
    oncdata(start, endIndex, offset) {
      push({
        type: 'comment',
        start: markupStart(start),
        end: endIndex + 1,
        contentStart: start,
        contentEnd: endIndex - offset,
        terminated: true,
        cdata: true,
      });
    },
    ondeclaration(start, endIndex) {
      push({ type: 'doctype', start: markupStart(start), end: endIndex + 1 });
    },
    onprocessinginstruction() {},
    onend() {},
  };

  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: false }, callbacks);
  tokenizer.write(html);
  tokenizer.end();

  let openEnd = Math.min(covered, html.length);
  // A trailing `</` reads as text, but would turn markup appended to it into a bogus comment.
  if (html.endsWith('</') && tokens[tokens.length - 1]?.type === 'text') openEnd = Math.min(openEnd, html.length - 2);
  if (openComment >= 0) openEnd = Math.min(openEnd, openComment);
  if (textOnly) openEnd = Math.min(openEnd, textOnly.start);
  return { tokens, openEnd };
}
