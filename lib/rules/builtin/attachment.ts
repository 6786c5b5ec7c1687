import * as z from 'zod';
import { buildTextAttachment, decodeTransfer, findAttachments, replacePart, type AttachmentInfo, type MimePart } from '../../mime/index.js';
import { decodedSize, detectTrueTypes, matchesAttachment, needsTrueTypes } from '../attachment-match.js';
import { WmflowError } from '../../errors.js';
import type { RequestedAction } from '../delivery.js';
import type { Rule, RuleContext, RuleEnvelope } from '../rule.js';
import { attachmentMatchSchema, bounceText, onUninspectable, protectedFallback, ruleCommon } from '../schema.js';
import { renderTemplate, templateValues, TEMPLATE_FIELDS } from '../template.js';
import { handleProtected } from './protected-fallback.js';

/** Template fields of the notice besides the usual ones. */
export const NOTICE_FIELDS = ['filename', 'size', 'type', 'key'] as const;

/** JSON options of the `attachment` rule (without `type`, which the configuration adds). */
export const attachmentRuleSchema = z
  .object({
    ...ruleCommon,
    /** Which attachments (see `AttachmentMatch`). */
    match: attachmentMatchSchema,
    /**
     * `remove`: each matching attachment is replaced, in place, by a short text/plain notice;
     * `quarantine`: the same, and the original file is handed to the operator (`ctx.keep`);
     * `block`: nothing changes, the message is bounced or dropped.
     */
    action: z.enum(['remove', 'quarantine', 'block']),
    /**
     * The notice text (remove, quarantine). Fields: `{{filename}}`, `{{size}}` (decoded bytes),
     * `{{type}}` (declared type), `{{key}}` (quarantine key), and the usual ones.
     * @default "The attachment "{{filename}}" ({{size}} bytes) was removed by your organisation's mail policy." (+ the key when quarantined)
     */
    notice: z.string().trim().min(1).max(2000).optional(),
    /** block: @default 'BOUNCE' */
    blockWith: z.enum(['BOUNCE', 'DROP']).optional(),
    /** block: the bounce text. @default "Message blocked: it carries an attachment type that is not allowed." */
    bounceMessage: bounceText.optional(),
    /** remove, quarantine: signed or encrypted mail. @default 'skip' */
    onProtected: protectedFallback.optional(),
    /** When the message cannot be inspected. @default 'apply' for block (fail closed), 'skip' otherwise */
    onUninspectable: onUninspectable.optional(),
  })
  .strict();

/** Options of the `attachment` rule. */
export type AttachmentRuleOptions = z.infer<typeof attachmentRuleSchema>;

/** Marks notices wmflow wrote, so a second pass never replaces a notice. */
export const NOTICE_DESCRIPTION = 'wmflow: attachment removed by policy';

const BLOCK_BOUNCE = 'Message blocked: it carries an attachment type that is not allowed.';
const REMOVED = `The attachment "{{filename}}" ({{size}} bytes) was removed by your organisation's mail policy.`;
const QUARANTINED = `${REMOVED} It is kept in quarantine under the reference {{key}}; ask your administrator if you need it.`;

/** Problems beyond the schema, with paths relative to the rule. */
export function attachmentRuleProblems(o: AttachmentRuleOptions): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const known: readonly string[] = [...TEMPLATE_FIELDS, ...NOTICE_FIELDS];
  for (const m of (o.notice ?? '').matchAll(/\{\{\s*([a-zA-Z]+)\s*\}\}/g)) {
    if (!known.includes(m[1]!)) out.push({ path: ['notice'], message: `unknown template field {{${m[1]}}}; use ${known.join(', ')}` });
  }
  if (o.action === 'block') {
    if (o.notice) out.push({ path: ['notice'], message: 'a notice is only written by "remove" and "quarantine"' });
    if (o.onProtected) out.push({ path: ['onProtected'], message: '"block" changes no content, so signed mail needs no fallback' });
  } else {
    if (o.blockWith || o.bounceMessage) out.push({ path: [o.blockWith ? 'blockWith' : 'bounceMessage'], message: 'only for "action": "block"' });
    if (o.onUninspectable === 'apply')
      out.push({ path: ['onUninspectable'], message: `"apply" needs a blocking action: "${o.action}" cannot remove what it cannot see` });
  }
  if (o.action === 'quarantine' && o.notice && !/\{\{\s*key\s*\}\}/.test(o.notice))
    out.push({ path: ['notice'], message: 'a quarantine notice must name {{key}}, so the file can be found' });
  return out;
}

/** `invoice.pdf` → `invoice.pdf.removed.txt`; control characters and quotes go. */
function noticeFilename(a: AttachmentInfo): string {
  const base = (a.filename ?? '').replace(/[\u0000-\u001f\u007f"\\/]/g, '').trim() || `attachment-${a.part.path.replace(/\./g, '-')}`;
  return `${base.slice(0, 100)}.removed.txt`;
}

function isNotice(part: MimePart): boolean {
  return part.headers.getDecoded('content-description')[0] === NOTICE_DESCRIPTION;
}

/**
 * Removes, quarantines or blocks attachments by extension, declared type, true type (magic
 * bytes: an `.exe` renamed `.pdf` is caught), size or file-name pattern. A removed attachment is
 * replaced in place by a text/plain notice; every other byte of the message stays. Attached
 * messages are not opened (an attached message can itself be matched). Signed or encrypted
 * mail follows `onProtected` for remove and quarantine. Idempotent: notices are never replaced.
 */
export function attachmentRule(options: AttachmentRuleOptions): Rule {
  const problems = attachmentRuleProblems(options);
  if (problems.length) throw new WmflowError('CONFIG_INVALID', problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; '));
  const mode = options.action;
  const blockAction = (env: RuleEnvelope): RequestedAction | undefined => {
    const type = options.blockWith ?? 'BOUNCE';
    if (!env.platform.actionsFor(env.direction).includes(type)) return undefined;
    return type === 'BOUNCE' ? { type, bounceMessage: options.bounceMessage ?? BLOCK_BOUNCE } : { type };
  };
  const policy = options.onUninspectable ?? (mode === 'block' ? 'apply' : 'skip');
  const template = options.notice ?? (mode === 'quarantine' ? QUARANTINED : REMOVED);

  const matching = async (ctx: RuleContext): Promise<AttachmentInfo[]> => {
    const trueTypes = needsTrueTypes(options.match) ? await detectTrueTypes(ctx.message) : undefined;
    return findAttachments(ctx.message).filter((a) => !isNotice(a.part) && matchesAttachment(a, options.match, trueTypes) === true);
  };

  return {
    name: options.name ?? `attachment-${mode}`,
    type: 'attachment',
    when: options.when,
    async run(ctx) {
      if (mode === 'block') {
        const found = await matching(ctx);
        if (!found.length) return { unchanged: 'no matching attachment' };
        const action = blockAction(ctx);
        if (!action) return { skipped: `${options.blockWith ?? 'BOUNCE'} is not available for ${ctx.direction.toLowerCase()} mail on ${ctx.platform.name}` };
        for (const a of found) ctx.note(`${a.part.where}: attachment "${a.filename ?? '(no name)'}" (${a.mediaType}) matches`);
        ctx.count('attachments.matched', found.length);
        ctx.requestAction(action);
        return undefined;
      }
      const fallback = await handleProtected(
        ctx,
        options.onProtected ?? 'skip',
        () => ({ text: 'This message was signed or encrypted, so its attachments could not be checked. The original is attached.' }),
        'Signed or encrypted mail cannot be checked for attachments that are not allowed.',
      );
      if (fallback) return fallback.result;

      const found = await matching(ctx);
      if (!found.length) return { unchanged: 'no matching attachment' };
      const values = templateValues(ctx);
      for (const a of found) {
        const size = decodedSize(a.part);
        let key = '';
        if (mode === 'quarantine') {
          const bytes = decodeTransfer(a.part.rawBody(), a.part.info.transferEncoding);
          key = ctx.keep({ name: a.filename ?? noticeFilename(a), bytes, contentType: a.mediaType });
        }
        const where = a.part.where;
        const text = renderTemplate(template, { ...values, filename: a.filename ?? '(no name)', size: String(size), type: a.mediaType, key });
        const notice = await buildTextAttachment(text, noticeFilename(a), ctx.message.eol, NOTICE_DESCRIPTION);
        const next = await replacePart(ctx.message, a.part, notice);
        if (next !== ctx.message) ctx.replaceMessage(next);
        ctx.note(
          `${where}: ${mode === 'quarantine' ? `quarantined as ${key}` : 'removed'} attachment "${a.filename ?? '(no name)'}" (${a.mediaType}, ${size} bytes)`,
        );
      }
      ctx.count(mode === 'quarantine' ? 'attachments.quarantined' : 'attachments.removed', found.length);
      return undefined;
    },
    onUninspectable(env) {
      const action = policy === 'apply' && mode === 'block' ? blockAction(env) : undefined;
      return action ? [action] : [];
    },
  };
}
