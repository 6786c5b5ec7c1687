import { isFieldName } from '../mime/index.js';
import * as z from 'zod';
import { userPatternProblem } from '../pattern/user-pattern.js';
import { validatePattern } from './address-pattern.js';
import { AUTH_RESULTS } from './authentication-results.js';
import type { UninspectableChoice } from './builtin/uninspectable.js';
import type { Condition } from './condition.js';
import { ACTION_TYPES } from './delivery.js';
import { detectorProblems } from './detector-spec.js';
import { unknownTemplateFields } from './template.js';

/** JSON schemas shared by conditions and rule types (config.ts and the built-in rules). */

/** A user pattern `{ pattern, flags }`, checked with RE2 at load time. */
export const regexSpec = z
  .object({
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'flags may only be i, m, s, u')
      .optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const problem = userPatternProblem(spec);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
  });

/** A WorkMail address pattern. */
export const addressPattern = z.string().superRefine((p, ctx) => {
  const problem = validatePattern(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const patterns = z.union([addressPattern, z.array(addressPattern).min(1)]);
const direction = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['INBOUND', 'OUTBOUND']));

/** A detector: a built-in id or a custom pattern. */
export const detectorSpec = z.union([
  z.string(),
  z
    .object({
      id: z
        .string()
        .regex(/^[\w-]+$/)
        .optional(),
      pattern: z.string().min(1),
      flags: z
        .string()
        .regex(/^[imsu]*$/)
        .optional(),
    })
    .strict(),
]);

const detectorList = z
  .array(detectorSpec)
  .min(1)
  .superRefine((specs, ctx) => {
    for (const p of detectorProblems(specs)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path.slice(1) });
  });

/** Which attachments: see `AttachmentMatch`. */
export const attachmentMatchSchema = z
  .object({
    extensions: z.array(z.string().min(1)).optional(),
    contentTypes: z.array(z.string().regex(/^[\w.+-]+\/(\*|[\w.+-]+)$/, 'expected type/subtype')).optional(),
    trueTypes: z
      .array(z.string().regex(/^\.?[\w.+-]+(\/[\w.+-]+)?$/, 'expected an extension (exe) or a media type (application/x-msdownload)'))
      .min(1)
      .optional(),
    filenamePattern: regexSpec.optional(),
    minSize: z.number().int().nonnegative().optional(),
    maxSize: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((m) => m.minSize === undefined || m.maxSize === undefined || m.minSize <= m.maxSize, {
    message: 'minSize is over maxSize: nothing could match',
    path: ['minSize'],
  });

const authResult = z.enum(AUTH_RESULTS as [string, ...string[]]);
const authWanted = z.union([authResult, z.array(authResult).min(1)], { error: `expected one of ${AUTH_RESULTS.join(', ')}, or a list of them` });

/** JSON schema of a {@link Condition}. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      all: z.array(conditionSchema).optional(),
      any: z.array(conditionSchema).optional(),
      not: conditionSchema.optional(),
      direction: direction.optional(),
      sender: patterns.optional(),
      recipient: patterns.optional(),
      senderIs: z.enum(['internal', 'external']).optional(),
      recipients: z.enum(['anyExternal', 'allInternal']).optional(),
      header: z
        .object({ name: z.string().min(1), matches: regexSpec.optional() })
        .strict()
        .optional(),
      headerMissing: fieldName.optional(),
      subject: regexSpec.optional(),
      attachment: attachmentMatchSchema.optional(),
      body: z
        .object({ words: z.array(z.string().trim().min(1)).min(1).optional(), pattern: regexSpec.optional() })
        .strict()
        .refine((b) => b.words || b.pattern, 'give words, a pattern or both')
        .optional(),
      detector: z
        .object({ detectors: detectorList, atLeast: z.number().int().min(1).optional() })
        .strict()
        .optional(),
      authentication: z
        .object({ spf: authWanted.optional(), dkim: authWanted.optional(), dmarc: authWanted.optional() })
        .strict()
        .refine((a) => Object.keys(a).length > 0, 'name at least one of spf, dkim, dmarc')
        .optional(),
      sizeOver: z.number().int().nonnegative().optional(),
      signedOrEncrypted: z.boolean().optional(),
    })
    .strict(),
) as z.ZodType<Condition>;

/** `onProtected`: what a content rule does with signed or encrypted mail. */
export const protectedFallback = z.enum(['skip', 'wrap', 'bounce']);
/** A bounce message. */
export const bounceText = z.string().min(1).max(2000);
/** A delivery action type. */
export const actionType = z.enum(ACTION_TYPES as [string, ...string[]]) as unknown as z.ZodType<(typeof ACTION_TYPES)[number]>;
/** `onUninspectable`. */
export const onUninspectable = z.enum(['apply', 'skip']) as z.ZodType<UninspectableChoice>;
/** A header field name (RFC 5322). */
export const fieldName = z.string().refine(isFieldName, 'invalid header name');

/** A template in a rule's text: only known fields. */
export function templateProblems(path: (string | number)[], template: string | undefined): { path: (string | number)[]; message: string }[] {
  return (template ? unknownTemplateFields(template) : []).map((f) => ({
    path,
    message: `unknown template field {{${f}}}; use sender, recipients, date or direction`,
  }));
}

/** Options every built-in rule takes besides its `type` (flow options are checked apart). */
export const ruleCommon = {
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.-]+$/, 'use letters, digits, ".", "_" and "-"')
    .optional(),
  when: conditionSchema.optional(),
};
