import { WmflowError } from '../../errors.js';
import { findInsertionPoint } from '../../html/body-insertion.js';
import { escapeHtml } from '../../html/escape.js';
import {
  addSeparateTextPart,
  appendText,
  findReaderBodies,
  getText,
  getTextEdge,
  insertBodyPart,
  insertTextAt,
  wrapInMixed,
  type MimePart,
  type TextInsertion,
} from '../../mime/index.js';
import * as z from 'zod';
import type { Rule, RuleContext } from '../rule.js';
import { defineRuleType } from '../rule-type.js';
import { bounceText, protectedFallback, ruleCommon, templateProblems } from '../schema.js';
import { hasFixedText, renderTemplate, templatePattern, templateValues } from '../template.js';
import { handleProtected } from './protected-fallback.js';

/** JSON schema of the `disclaimer` rule. */
export const disclaimerSchema = z
  .object({
    type: z.literal('disclaimer'),
    ...ruleCommon,
    /** Plain-text disclaimer; template fields `{{sender}}`, `{{recipients}}`, `{{date}}`, `{{direction}}`. */
    text: z.string().min(1),
    /** HTML fragment for HTML bodies. @default the text, escaped, with line breaks kept */
    html: z.string().min(1).optional(),
    /** Where it goes. @default 'bottom' */
    position: z.enum(['top', 'bottom']).optional(),
    /** Signed or encrypted mail: leave it alone, wrap it, or bounce it. @default 'skip' */
    onProtected: protectedFallback.optional(),
    /** Bounce text when `onProtected` is `bounce`. */
    bounceMessage: bounceText.optional(),
  })
  .strict();

/** Options of the `disclaimer` rule (its JSON without `type`). */
export type DisclaimerOptions = Omit<z.infer<typeof disclaimerSchema>, 'type'>;

/** The `disclaimer` rule type, as rules files name it. */
export const disclaimerRuleType = defineRuleType({
  schema: disclaimerSchema,
  check: (o) => [
    ...templateProblems(['text'], o.text),
    ...templateProblems(['html'], o.html),
    ...(hasFixedText(o.text) ? [] : [{ path: ['text'], message: 'needs some fixed text besides {{fields}}, so a second pass can recognise the disclaimer' }]),
  ],
  create: (o) => disclaimerRule(o),
});

/** Attribute marking wmflow's HTML disclaimer, so a second pass recognises it. */
const MARKER = 'data-wmflow-disclaimer';

/** An inline text/plain leaf (where a separate disclaimer part would be). */
function isInlinePlainText(part: MimePart): boolean {
  return part.isText && part.mediaType === 'text/plain' && part.info.disposition !== 'attachment';
}

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

  /** Adds the text disclaimer by splicing; undefined when it is already there. */
  const addToText = (part: MimePart, text: string): TextInsertion | undefined => {
    // A second pass finds its disclaimer where the first put it: read that edge, not a 25 MB body.
    if (textPattern.test(getTextEdge(part, position === 'top' ? 'head' : 'tail'))) return undefined;
    const flowed = /^flowed$/i.test(part.info.params.format ?? '');
    // Flowed text: a trailing space would join our lines to the next (RFC 3676).
    const block = flowed ? text.replace(/[ \t]+$/gm, '') : text;
    return appendText(part, block, position, { paragraph: true });
  };

  /** Adds the HTML disclaimer inside `<body>` by splicing; undefined when it is already there. */
  const addToHtml = (part: MimePart, fragment: string): TextInsertion | undefined => {
    // HTML may carry a long <head> (inline CSS) before the body: a wider edge.
    if (getTextEdge(part, position === 'top' ? 'head' : 'tail', 512 * 1024).includes(marker)) return undefined;
    return insertTextAt(part, fragment, (html) => findInsertionPoint(html, position));
  };

  const describe = (what: string, part: MimePart, r: TextInsertion) =>
    r.strategy === 'separate-part'
      ? `${what} disclaimer for ${part.where} needs a separate part: ${r.reason}`
      : `added ${what} disclaimer to ${part.where} (${r.strategy}, ${r.charset}, ${r.transferEncoding})`;

  return {
    name,
    type: 'disclaimer',
    when: options.when,
    async run(ctx) {
      const rendered = render(ctx);
      const fallback = await handleProtected(
        ctx,
        options.onProtected ?? 'skip',
        () => rendered,
        options.bounceMessage ?? 'Signed or encrypted mail cannot carry the required disclaimer.',
      );
      if (fallback) return fallback.result;

      const bodies = findReaderBodies(ctx.message);
      if (!bodies.text && !bodies.html) {
        const root = ctx.message.root;
        // A digest's members are attached messages, never edited; a new first part is not one.
        if (root.multipart === 'mixed' || root.multipart === 'digest') {
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
      let separate: MimePart | undefined;
      const why: string[] = [];
      for (const [what, part, r] of [
        ['text', bodies.text, bodies.text && addToText(bodies.text, rendered.text)],
        ['HTML', bodies.html, bodies.html && addToHtml(bodies.html, rendered.html)],
      ] as const) {
        if (!part || !r) continue;
        if (r.strategy === 'separate-part') {
          separate ??= part;
          why.push(describe(what, part, r));
        } else {
          ctx.note(describe(what, part, r));
          added++;
        }
      }
      // A separate part added by an earlier pass carries it already (idempotence).
      if (separate && ctx.message.parts().some((p) => p !== separate && isInlinePlainText(p) && textPattern.test(getText(p)))) {
        separate = undefined;
      }
      if (separate) {
        // One text/plain UTF-8 part carries the disclaimer for whichever body could not.
        const r = await addSeparateTextPart(ctx.message, separate, rendered.text, position);
        if ('reason' in r) {
          if (!added) return { skipped: `cannot add the disclaimer: ${why.join('; ')}; ${r.reason}` };
          ctx.note(`no separate disclaimer part: ${r.reason}`);
        } else {
          if (r.replaced) ctx.replaceMessage(r.message);
          for (const w of why) ctx.note(w);
          ctx.note(`added the disclaimer as a separate text/plain part in ${r.where}`);
          added++;
        }
      }
      return added ? undefined : { unchanged: 'disclaimer already present' };
    },
  };
}
