/**
 * A rule-type plugin: `{"type": "keyword-flag", "keywords": ["invoice"]}` sets `X-Keyword-Flag`
 * to the first keyword found in the subject (case-insensitive), so mailbox rules can sort on it.
 */
import { defineRule, defineRuleType, z } from 'wmflow';

const schema = z
  .object({
    type: z.literal('keyword-flag'),
    name: z.string().optional(),
    keywords: z.array(z.string().min(1)).min(1),
    header: z
      .string()
      .regex(/^X-[\w-]+$/)
      .optional(),
  })
  .strict();

export const ruleTypes = {
  'keyword-flag': defineRuleType({
    schema,
    create: (options) => {
      // Options are typed from the schema, so a misspelt option does not compile.
      // @ts-expect-error there is no "colour" option
      void options.colour;
      return defineRule({
        name: options.name ?? 'keyword-flag',
        run(ctx) {
          const subject = (ctx.message.headers.getDecoded('subject')[0] ?? '').toLowerCase();
          const hit = options.keywords.find((k) => subject.includes(k.toLowerCase()));
          if (!hit) return { unchanged: 'no keyword in the subject' };
          ctx.message.headers.set(options.header ?? 'X-Keyword-Flag', hit);
          ctx.note(`flagged "${hit}"`);
          return undefined;
        },
      });
    },
  }),
};
