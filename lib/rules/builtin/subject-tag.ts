import { MimeError } from '../../mime/index.js';
import * as z from 'zod';
import type { Rule } from '../rule.js';
import { defineRuleType } from '../rule-type.js';
import { ruleCommon } from '../schema.js';

/** JSON schema of the `subject-tag` rule. */
export const subjectTagSchema = z
  .object({
    type: z.literal('subject-tag'),
    ...ruleCommon,
    /** The tag, e.g. `[EXTERNAL]`. */
    tag: z.string().trim().min(1).max(64),
    /** Before the subject or after it. @default 'prefix' */
    position: z.enum(['prefix', 'suffix']).optional(),
  })
  .strict();

/** Options of the `subject-tag` rule (its JSON without `type`). */
export type SubjectTagOptions = Omit<z.infer<typeof subjectTagSchema>, 'type'>;

/** The `subject-tag` rule type. */
export const subjectTagRuleType = defineRuleType({ schema: subjectTagSchema, create: (o) => subjectTagRule(o) });

/** Reply and forward prefixes clients add, in several languages (Re, Fwd, AW, WG, SV, TR…). */
const REPLY_PREFIX = /^\s*(?:re|fwd?|aw|wg|sv|vs|antw|tr|rif|r|ref|vl|odp|res|enc)(?:\[\d+\])?\s*:\s*/i;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a subject already carries the tag, also behind reply/forward prefixes. */
export function hasTag(subject: string, tag: string, position: 'prefix' | 'suffix'): boolean {
  const t = escapeRegex(tag.trim());
  if (position === 'suffix') return new RegExp(`${t}\\s*$`, 'i').test(subject);
  let rest = subject;
  for (let i = 0; i < 20; i++) {
    if (new RegExp(`^\\s*${t}`, 'i').test(rest)) return true;
    const m = REPLY_PREFIX.exec(rest);
    if (!m) return false;
    rest = rest.slice(m[0].length);
  }
  return false;
}

/**
 * Tags the subject (`[EXTERNAL] Hello`). The full subject comes from the message's own header
 * (the event's copy is cut at 256 characters), decoded from RFC 2047 and re-encoded where it
 * needs to be; idempotent, also after `Re:`/`Fwd:` prefixes.
 */
export function subjectTagRule(options: SubjectTagOptions): Rule {
  const tag = options.tag.trim();
  const position = options.position ?? 'prefix';
  return {
    name: options.name ?? 'subject-tag',
    type: 'subject-tag',
    when: options.when,
    run(ctx) {
      const subject = ctx.message.headers.getDecoded('subject')[0] ?? '';
      if (hasTag(subject, tag, position)) return { unchanged: 'subject already tagged' };
      const next = !subject ? tag : position === 'prefix' ? `${tag} ${subject}` : `${subject} ${tag}`;
      try {
        ctx.message.headers.set('Subject', next);
      } catch (err) {
        // A Subject other parsers read differently (behind a bare CR): leave it, say why.
        if (err instanceof MimeError && err.code === 'MIME_AMBIGUOUS_HEADER') return { skipped: err.message };
        throw err;
      }
      ctx.note(`tagged subject with ${tag}`);
      return undefined;
    },
  };
}
