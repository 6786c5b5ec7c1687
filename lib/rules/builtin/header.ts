import { WmflowError } from '../../errors.js';
import { MimeError } from '../../mime/index.js';
import * as z from 'zod';
import { GENERIC_PLATFORM, type RulePlatform } from '../platform.js';
import type { Rule } from '../rule.js';
import { defineRuleType } from '../rule-type.js';
import { fieldName, ruleCommon, templateProblems } from '../schema.js';
import { renderTemplate, templateValues } from '../template.js';

/** One header operation. Values may use template fields (`{{sender}}`, `{{date}}`…). */
export const headerOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), name: fieldName, value: z.string() }).strict(),
  z.object({ op: z.literal('set'), name: fieldName, value: z.string() }).strict(),
  z.object({ op: z.literal('remove'), name: fieldName }).strict(),
]);

/** One header operation. */
export type HeaderOperation = z.infer<typeof headerOperationSchema>;

/** JSON schema of the `header` rule. */
export const headerSchema = z
  .object({
    type: z.literal('header'),
    ...ruleCommon,
    /** Applied in order. */
    operations: z.array(headerOperationSchema).min(1),
  })
  .strict();

/** Options of the `header` rule (its JSON without `type`). */
export type HeaderRuleOptions = Omit<z.infer<typeof headerSchema>, 'type'>;

/** The `header` rule type: edits the platform forbids are refused when the rules are loaded. */
export const headerRuleType = defineRuleType({
  schema: headerSchema,
  check: (o, { platform }) => [
    ...headerOperationProblems(o.operations, platform).map((p) => ({ path: ['operations', p.index], message: p.message })),
    ...o.operations.flatMap((op, i) => ('value' in op ? templateProblems(['operations', i, 'value'], op.value) : [])),
  ],
  create: (o, { platform }) => headerRule(o, platform),
});

/**
 * Problems with header operations, checked when the rule is configured: the platform rejects
 * updates that change immutable headers (WorkMail) or repeat unique ones, so such a rule could
 * only ever fail at delivery time.
 */
export function headerOperationProblems(
  operations: readonly HeaderOperation[],
  platform: RulePlatform = GENERIC_PLATFORM,
): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  operations.forEach((o, index) => {
    const problem = platform.headerEditProblem(o.name, o.op);
    if (problem) out.push({ index, message: `cannot ${o.op} ${o.name}: ${problem}` });
  });
  return out;
}

/** Adds, sets or removes header fields, leaving every other header byte as it was. */
export function headerRule(options: HeaderRuleOptions, platform: RulePlatform = GENERIC_PLATFORM): Rule {
  const problems = headerOperationProblems(options.operations, platform);
  if (problems.length) {
    throw new WmflowError('CONFIG_INVALID', problems.map((p) => `operations[${p.index}]: ${p.message}`).join('; '));
  }
  return {
    name: options.name ?? 'header',
    type: 'header',
    when: options.when,
    run(ctx) {
      const values = templateValues(ctx);
      const headers = ctx.message.headers;
      let refused = 0;
      for (const o of options.operations) {
        try {
          if (o.op === 'remove') {
            const removed = headers.remove(o.name);
            if (removed) ctx.note(`removed ${removed} ${o.name} header(s)`);
            continue;
          }
          const value = renderTemplate(o.value, values);
          if (o.op === 'set' && headers.getDecoded(o.name).length === 1 && headers.getDecoded(o.name)[0] === value) continue;
          if (o.op === 'add' && headers.getDecoded(o.name).includes(value)) continue; // idempotent on re-runs
          if (o.op === 'set') headers.set(o.name, value);
          else headers.add(o.name, value);
          ctx.note(`${o.op === 'set' ? 'set' : 'added'} ${o.name}`);
        } catch (err) {
          // A field other parsers read differently (a bare CR): leave it, say why, go on.
          if (!(err instanceof MimeError) || err.code !== 'MIME_AMBIGUOUS_HEADER') throw err;
          ctx.note(`left ${o.name} alone: ${err.message}`);
          refused++;
        }
      }
      return refused === options.operations.length ? { skipped: 'every header operation was refused (see changes)' } : undefined;
    },
  };
}
