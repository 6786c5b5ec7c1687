import { Parser } from 'htmlparser2';

/** Where the document's landmarks are, as string offsets (-1 when absent). */
interface Landmarks {
  /** Just after the first real `<body …>` start tag. */
  bodyOpenEnd: number;
  /** At the last real `</body>` end tag. */
  bodyCloseStart: number;
  /** Just after `</head>`. */
  headCloseEnd: number;
  /** Just after the `<html …>` start tag. */
  htmlOpenEnd: number;
  /** At the last `</html>` end tag. */
  htmlCloseStart: number;
}

/**
 * Finds the landmarks with a real HTML tokenizer, so tags inside comments, `<script>`,
 * `<style>` or attribute values (`</body>` in a string, `>` in an attribute) are not mistaken
 * for them, and tags the parser merely implies are ignored.
 */
function findLandmarks(html: string): Landmarks {
  const found: Landmarks = { bodyOpenEnd: -1, bodyCloseStart: -1, headCloseEnd: -1, htmlOpenEnd: -1, htmlCloseStart: -1 };
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'body' && found.bodyOpenEnd < 0) found.bodyOpenEnd = parser.endIndex + 1;
        if (name === 'html' && found.htmlOpenEnd < 0) found.htmlOpenEnd = parser.endIndex + 1;
      },
      onclosetag(name, isImplied) {
        if (isImplied) return;
        // The tag's own "<" (htmlparser2 reports odd start offsets after `</body >`).
        const start = html.lastIndexOf('<', parser.endIndex);
        if (name === 'body') found.bodyCloseStart = start;
        if (name === 'head' && found.headCloseEnd < 0) found.headCloseEnd = html.indexOf('>', start) + 1;
        if (name === 'html') found.htmlCloseStart = start;
      },
    },
    { lowerCaseTags: true, decodeEntities: true },
  );
  parser.end(html);
  return found;
}

/** After a leading BOM, XML declaration and doctype: the start of a document's content. */
function documentStart(html: string): number {
  const m = /^(?:\ufeff)?\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>)?/i.exec(html);
  return m ? m[0].length : 0;
}

/**
 * Inserts an HTML fragment at the top or bottom of a document's body by splicing: every
 * character outside the insertion point is unchanged. Top: right after `<body …>` (else after
 * `</head>`, else after `<html …>`, else at the document's start past any doctype). Bottom:
 * right before the last `</body>` (else before `</html>`, else at the end).
 */
export function insertHtmlFragment(html: string, fragment: string, position: 'top' | 'bottom'): string {
  const l = findLandmarks(html);
  let at: number;
  if (position === 'top') {
    at = l.bodyOpenEnd >= 0 ? l.bodyOpenEnd : l.headCloseEnd > 0 ? l.headCloseEnd : l.htmlOpenEnd >= 0 ? l.htmlOpenEnd : documentStart(html);
  } else {
    at = l.bodyCloseStart >= 0 ? l.bodyCloseStart : l.htmlCloseStart >= 0 ? l.htmlCloseStart : html.length;
  }
  return html.slice(0, at) + fragment + html.slice(at);
}
