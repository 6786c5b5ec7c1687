import { WmflowError } from '../../errors.js';
import { insertHtmlFragment } from '../../html/body-insertion.js';
import { escapeHtml } from '../../html/escape.js';
import { findReaderBodies, getText, insertBodyPart, setText, wrapInMixed, type MimePart } from '../../mime/index.js';
import type { Condition } from '../condition.js';
import type { Rule, RuleContext } from '../rule.js';
import { hasFixedText, renderTemplate, templatePattern, templateValues } from '../template.js';
import { handleProtected, type ProtectedFallback } from './protected-fallback.js';

/** Options of the `disclaimer` rule. */
export interface DisclaimerOptions {
  name?: string;
  when?: Condition;
  /** Plain-text disclaimer; template fields `{{sender}}`, `{{recipients}}`, `{{date}}`, `{{direction}}`. */
  text: string;
  /** HTML fragment for HTML bodies; defaults to the text, escaped, with line breaks kept. */
  html?: string;
  /** Where it goes: after the body (default) or before it. */
  position?: 'top' | 'bottom';
  /** Signed or encrypted mail: leave it alone (default), wrap it, or bounce it. */
  onProtected?: ProtectedFallback;
  /** Bounce text when `onProtected` is `bounce`. */
  bounceMessage?: string;
}

/** Attribute marking wmflow's HTML disclaimer, so a second pass recognises it. */
const MARKER = 'data-wmflow-disclaimer';

function textToHtml(text: string): string {
  return `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
}

/**
 * Adds a disclaimer to the text/plain and text/html bodies a reader sees (both halves of an
 * alternative; never attachments or attached messages). HTML goes inside `<body>` by splicing,
 * so the rest of the document keeps its bytes. A message with no text body gets a new part.
 * Idempotent: a body that already carries this disclaimer (any rendering of its template) is
 * left alone.
 */
export function disclaimerRule(options: DisclaimerOptions): Rule {
  if (!hasFixedText(options.text)) {
    throw new WmflowError('CONFIG_INVALID', 'disclaimer text needs some fixed text besides {{fields}}, so a second pass can recognise it');
  }
  const name = options.name ?? 'disclaimer';
  const position = options.position ?? 'bottom';
  const htmlTemplate = options.html ?? textToHtml(options.text);
  const textPattern = templatePattern(options.text.trim());
  const marker = `${MARKER}="${escapeHtml(name)}"`;

  const render = (ctx: RuleContext) => {
    const values = templateValues(ctx);
    return {
      text: renderTemplate(options.text, values),
      html: `<div ${marker}>${renderTemplate(htmlTemplate, values, escapeHtml)}</div>`,
    };
  };

  const addToText = (part: MimePart, text: string): boolean => {
    const current = getText(part);
    if (textPattern.test(current)) return false;
    const flowed = /^flowed$/i.test(part.info.params.format ?? '');
    // Flowed text: a trailing space would join our lines to the next (RFC 3676).
    const block = flowed ? text.replace(/[ \t]+$/gm, '') : text;
    const next = position === 'top' ? `${block}\n\n${current}` : `${current}${/\n$/.test(current) || !current ? '' : '\n'}\n${block}\n`;
    setText(part, next);
    return true;
  };

  const addToHtml = (part: MimePart, fragment: string): boolean => {
    const current = getText(part);
    if (current.includes(marker)) return false;
    setText(part, insertHtmlFragment(current, fragment, position));
    return true;
  };

  return {
    name,
    type: 'disclaimer',
    when: options.when,
    async run(ctx) {
      const rendered = render(ctx);
      const fallback = await handleProtected(ctx, options.onProtected ?? 'skip', () => rendered, options.bounceMessage ?? 'Signed or encrypted mail cannot carry the required disclaimer.');
      if (fallback) return fallback.result;

      const bodies = findReaderBodies(ctx.message);
      if (!bodies.text && !bodies.html) {
        const root = ctx.message.root;
        if (root.multipart === 'mixed') {
          await insertBodyPart(ctx.message, root, rendered, 'first');
          ctx.note('message had no text body: added one with the disclaimer');
        } else if (!root.multipart) {
          ctx.replaceMessage(await wrapInMixed(ctx.message, rendered));
          ctx.note('message had no text body: wrapped it in multipart/mixed with a disclaimer part');
        } else {
          return { skipped: `no text body to add to in multipart/${root.multipart}` };
        }
        return undefined;
      }
      let added = 0;
      if (bodies.text && addToText(bodies.text, rendered.text)) {
        ctx.note(`added text disclaimer to ${bodies.text.where}`);
        added++;
      }
      if (bodies.html && addToHtml(bodies.html, rendered.html)) {
        ctx.note(`added HTML disclaimer to ${bodies.html.where}`);
        added++;
      }
      return added ? undefined : { unchanged: 'disclaimer already present' };
    },
  };
}
