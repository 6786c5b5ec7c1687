import { tokenizeHtml, type HtmlToken } from './tokenize.js';

/** Where a fragment goes: the top or the bottom of the document's body. */
export type InsertPosition = 'top' | 'bottom';

/** The document landmarks insertion uses, as string offsets (-1 when absent). */
interface Landmarks {
  /** Just after the first `<body …>` start tag. */
  bodyOpenEnd: number;
  /** At the `<` of the last `</body>`. */
  bodyCloseStart: number;
  /** Just after the first `</head>`. */
  headCloseEnd: number;
  /** Just after the first `<html …>` start tag. */
  htmlOpenEnd: number;
  /** At the `<` of the last `</html>`. */
  htmlCloseStart: number;
  /** Just after a leading BOM, XML declaration and doctype. */
  documentStart: number;
  /** Where a trailing unterminated comment, tag or `<script>` begins, else the length. */
  openEnd: number;
}

function findLandmarks(html: string): Landmarks {
  const { tokens, openEnd } = tokenizeHtml(html);
  const found: Landmarks = { bodyOpenEnd: -1, bodyCloseStart: -1, headCloseEnd: -1, htmlOpenEnd: -1, htmlCloseStart: -1, documentStart: 0, openEnd };
  // Only real tags are tokens: `<body>` in a comment, a script, a style or an attribute value is not.
  for (const t of tokens) {
    if (t.type === 'start-tag') {
      if (t.name === 'body' && found.bodyOpenEnd < 0) found.bodyOpenEnd = t.end;
      if (t.name === 'html' && found.htmlOpenEnd < 0) found.htmlOpenEnd = t.end;
    } else if (t.type === 'end-tag') {
      if (t.name === 'body') found.bodyCloseStart = t.start;
      if (t.name === 'head' && found.headCloseEnd < 0) found.headCloseEnd = t.end;
      if (t.name === 'html') found.htmlCloseStart = t.start;
    }
  }
  found.documentStart = prologEnd(html, tokens);
  return found;
}

/**
 * The end of a leading BOM, `<?xml …?>` declaration and doctype (in any order, whitespace
 * between them skipped): the start of the document's content. Whitespace after the last of
 * them stays after the insertion.
 */
function prologEnd(html: string, tokens: readonly HtmlToken[]): number {
  let at = 0;
  let end = 0;
  for (const t of tokens) {
    if (t.start !== at) break;
    if (t.type === 'doctype' || (t.type === 'comment' && t.terminated && /^<\?xml[\s?]/i.test(html.slice(t.start, t.start + 6)))) {
      end = t.end;
    } else if (t.type === 'text' && !t.element && /^[\ufeff\s]*$/.test(html.slice(t.start, t.end))) {
      if (html[t.start] === '\ufeff') end = Math.max(end, t.start + 1);
    } else {
      break;
    }
    at = t.end;
  }
  return end;
}

/**
 * The offset at which {@link insertHtmlFragment} inserts: never inside a tag, a comment, a
 * `<script>`/`<style>` or other text-only element.
 *
 * - `top`: right after the first real `<body …>` start tag; without one, after `</head>`, else
 *   after `<html …>`, else at the start of the document past a leading BOM, XML declaration
 *   and doctype.
 * - `bottom`: right before the last real `</body>` end tag (if it follows the first `<body>`);
 *   without one, before the last `</html>`, else at the end of the document, or, when the
 *   document ends inside an unterminated comment, tag or `<script>`, just before that.
 */
export function findInsertionPoint(html: string, position: InsertPosition): number {
  const l = findLandmarks(html);
  // An insertion point must come before anything unterminated at the end of the document.
  const safe = (at: number) => Math.min(at, l.openEnd);
  if (position === 'top') {
    if (l.bodyOpenEnd >= 0) return l.bodyOpenEnd;
    if (l.headCloseEnd >= 0) return l.headCloseEnd;
    if (l.htmlOpenEnd >= 0) return l.htmlOpenEnd;
    return safe(l.documentStart);
  }
  // An end tag before the body's start cannot close it (`</body><body>…`); fall through.
  const floor = Math.max(l.bodyOpenEnd, 0);
  if (l.bodyCloseStart >= floor) return l.bodyCloseStart;
  if (l.htmlCloseStart >= floor) return l.htmlCloseStart;
  return Math.max(safe(html.length), floor);
}

/**
 * Inserts an HTML fragment at the top or bottom of a document's body by splicing it in at
 * {@link findInsertionPoint}: every character of `html` outside that point is unchanged, so
 * `out.slice(0, i) === html.slice(0, i)` and `out.slice(i + fragment.length) === html.slice(i)`.
 * Works on fragments without `<html>`/`<body>`, several `<body>` tags, upper-case tags,
 * `</body>` in comments, scripts, styles or attribute values, and unterminated comments.
 */
export function insertHtmlFragment(html: string, fragment: string, position: InsertPosition): string {
  const at = findInsertionPoint(html, position);
  return html.slice(0, at) + fragment + html.slice(at);
}
