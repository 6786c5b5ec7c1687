import { decodesLosslessly, findAttachments, findReadableParts, getText, MimeError, setText, type MimePart } from '../../mime/index.js';
import type { Detector } from '../../redaction/detector.js';
import type { MaskStyle } from '../../redaction/mask.js';
import { redactHtml, redactText } from '../../redaction/redact-text.js';
import * as z from 'zod';
import type { RequestedAction } from '../delivery.js';
import { detectorProblems, toDetector } from '../detector-spec.js';
import type { Rule } from '../rule.js';
import { defineRuleType } from '../rule-type.js';
import { actionType, bounceText, detectorSpec, onUninspectable, protectedFallback, ruleCommon } from '../schema.js';
import { handleProtected } from './protected-fallback.js';

/** JSON schema of a mask. */
const maskSchema = z.discriminatedUnion('style', [
  z.object({ style: z.literal('full'), replacement: z.string().max(100).optional() }).strict(),
  z
    .object({
      style: z.literal('keep-last'),
      keep: z.number().int().min(0).max(8),
      maskChar: z
        .string()
        .length(1)
        .regex(/[^A-Za-z0-9]/, 'must not be a letter or digit')
        .optional(),
    })
    .strict(),
]);

/** JSON schema of the `redact` rule. */
export const redactSchema = z
  .object({
    type: z.literal('redact'),
    ...ruleCommon,
    /** Built-in detector ids (`payment-card`, …) or `{ pattern, flags }` (RE2 syntax). */
    detectors: z.array(detectorSpec).min(1),
    /**
     * Where matches are masked: the subject, text and HTML bodies, and text attachments (CSV,
     * calendar, vCard, plain text, HTML files). Detection always covers all of them and the
     * decoded attachment file names, so `onFind` sees every finding.
     * @default ['subject', 'text', 'html']
     */
    scopes: z
      .array(z.enum(['subject', 'text', 'html', 'attachments']))
      .min(1)
      .optional(),
    /** How a match is masked. @default { style: 'full' } (`[REDACTED]`) */
    mask: maskSchema.optional(),
    /** Also mask inside HTML attribute values (links, titles). @default false */
    attributes: z.boolean().optional(),
    /** Also mask inside URLs. @default false */
    urls: z.boolean().optional(),
    /** An action to ask for when anything was found (e.g. bounce outbound card numbers). */
    onFind: z.object({ action: actionType, bounceMessage: bounceText.optional() }).strict().optional(),
    /** Signed or encrypted mail: leave it, wrap it, or bounce it. @default 'skip' */
    onProtected: protectedFallback.optional(),
    /** Bounce text when `onProtected` is `bounce`. */
    bounceMessage: bounceText.optional(),
    /**
     * When the message cannot be inspected (over a parser limit, malformed, the rule failed, time
     * ran out): `apply` asks for the `onFind` action as if something had been found.
     * @default 'apply' when `onFind` is BOUNCE or DROP (fail closed for DLP), else 'skip'
     */
    onUninspectable: onUninspectable.optional(),
  })
  .strict();

/** Where the redact rule masks. */
export type RedactScope = NonNullable<z.infer<typeof redactSchema>['scopes']>[number];

/** Options of the `redact` rule: its JSON without `type`, with the detectors built. */
export type RedactOptions = Omit<z.infer<typeof redactSchema>, 'type' | 'detectors' | 'mask'> & { detectors: Detector[]; mask?: MaskStyle | undefined };

/** The `redact` rule type. */
export const redactRuleType = defineRuleType({
  schema: redactSchema,
  check: (o) => [
    ...detectorProblems(o.detectors),
    ...(o.onUninspectable === 'apply' && !o.onFind ? [{ path: ['onUninspectable'], message: '"apply" needs an onFind action to apply' }] : []),
  ],
  create: (o) => redactRule({ ...o, detectors: o.detectors.map(toDetector) }),
});

/** The bounce text of a redact rule that found something. */
const FOUND_BOUNCE = 'Message blocked: it contains sensitive data.';

/**
 * Finds sensitive data in everything a person can read — the subject, every inline text and
 * HTML part, text attachments and attachment file names — and masks it where `scopes` say
 * (text only in HTML: never tags, comments, scripts; attributes and URLs only when asked).
 * Counts per detector go to the report and `onFind` sees every finding. Idempotent: masked
 * output contains nothing a detector finds again.
 */
export function redactRule(options: RedactOptions): Rule {
  const scopes = new Set(options.scopes ?? ['subject', 'text', 'html']);
  const mask = options.mask ?? { style: 'full' };
  const textOptions = { urls: options.urls ?? false };
  const onFind = options.onFind;
  const findAction = (): RequestedAction | undefined =>
    onFind ? { type: onFind.action, ...(onFind.action === 'BOUNCE' ? { bounceMessage: onFind.bounceMessage ?? FOUND_BOUNCE } : {}) } : undefined;
  const policy = options.onUninspectable ?? (onFind && (onFind.action === 'BOUNCE' || onFind.action === 'DROP') ? 'apply' : 'skip');
  return {
    name: options.name ?? 'redact',
    type: 'redact',
    when: options.when,
    async run(ctx) {
      const fallback = await handleProtected(
        ctx,
        options.onProtected ?? 'skip',
        () => ({ text: 'This message was signed or encrypted, so it could not be checked for sensitive data. The original is attached.' }),
        options.bounceMessage ?? 'Signed or encrypted mail cannot be checked for sensitive data.',
      );
      if (fallback) return fallback.result;

      let found = 0;
      let rewrote = 0;
      /** Places with matches that were left as they are, and why in the notes. */
      const declined: string[] = [];
      const total = (counts: Record<string, number>) => Object.values(counts).reduce((x, y) => x + y, 0);
      const count = (counts: Record<string, number>) => {
        for (const [id, n] of Object.entries(counts)) {
          ctx.count(id, n);
          found += n;
        }
      };
      // Detection sees URLs and attributes too (a number in a link is readable, and would
      // otherwise slip past onFind); masking touches them only when the rule says so.
      const detectText = (text: string) => redactText(text, options.detectors, mask, { urls: true });
      const detectHtml = (html: string) => redactHtml(html, options.detectors, mask, { urls: true, attributes: true });
      /** Counts what `detected` found, notes what `masked` masked and what it left; true when it masked some. */
      const report = (where: string, detected: Record<string, number>, masked: Record<string, number> | undefined, why: string) => {
        count(detected);
        const n = total(detected);
        const m = masked ? total(masked) : 0;
        if (m) ctx.note(`redacted ${m} match(es) in ${where}`);
        if (n > m) ctx.note(`found ${n - m} match(es) in ${where} not masked (${masked ? 'in URLs or attributes, which the rule leaves' : why})`);
        return m > 0;
      };

      {
        const subject = ctx.message.headers.getDecoded('subject')[0];
        const detected = subject ? detectText(subject).counts : {};
        if (subject && total(detected)) {
          const masked = scopes.has('subject') ? redactText(subject, options.detectors, mask, textOptions) : undefined;
          if (report('the subject', detected, masked?.counts, "the subject is outside the rule's scopes") && masked) {
            try {
              ctx.message.headers.set('Subject', masked.text);
              rewrote++;
            } catch (err) {
              if (!(err instanceof MimeError) || err.code !== 'MIME_AMBIGUOUS_HEADER') throw err;
              declined.push('the subject');
              ctx.note(`left the subject unredacted: ${err.message}`);
            }
          }
        }
      }
      // A body is rewritten only when its text survives re-encoding: bytes invalid in their
      // charset would otherwise come back as U+FFFD. Matches still count (and onFind acts).
      const write = (part: MimePart, text: string) => {
        if (decodesLosslessly(part)) {
          setText(part, text);
          rewrote++;
        } else {
          declined.push(part.where);
          ctx.note(`left ${part.where} unredacted: its bytes are not valid ${part.info.charset ?? 'us-ascii'}, so rewriting it would damage its text`);
        }
      };
      // Everything a person can read: every inline text and HTML part and text attachments.
      for (const { part, kind } of findReadableParts(ctx.message)) {
        const html = part.mediaType === 'text/html';
        const masks = kind === 'attachment' ? scopes.has('attachments') : scopes.has(html ? 'html' : 'text');
        const text = getText(part);
        const detected = (html ? detectHtml(text) : detectText(text)).counts;
        if (!total(detected)) continue;
        const masked = !masks
          ? undefined
          : html
            ? (() => {
                const r = redactHtml(text, options.detectors, mask, { ...textOptions, attributes: options.attributes ?? false });
                return { counts: r.counts, text: r.html };
              })()
            : redactText(text, options.detectors, mask, textOptions);
        const why = `${kind === 'attachment' ? 'an attachment' : 'a body'} outside the rule's scopes`;
        if (report(part.where, detected, masked?.counts, why) && masked) write(part, masked.text);
      }
      // File names are read too (`card-4111111111111111.pdf`); they are reported, not renamed.
      for (const att of findAttachments(ctx.message)) {
        if (!att.filename) continue;
        const detected = detectText(att.filename).counts;
        if (total(detected)) report(`the file name of ${att.part.where}`, detected, undefined, 'file names are not renamed');
      }
      const action = found ? findAction() : undefined;
      if (action) ctx.requestAction(action);
      if (found && !rewrote && declined.length && !options.onFind) {
        return { skipped: `matches found but not redacted in ${declined.join(', ')} (see changes for why)` };
      }
      return found ? undefined : { unchanged: 'nothing to redact' };
    },
    onUninspectable(env) {
      const action = policy === 'apply' ? findAction() : undefined;
      return action && env.platform.actionsFor(env.direction).includes(action.type) ? [action] : [];
    },
  };
}
