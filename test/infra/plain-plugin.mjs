// A JavaScript rule-type plugin: Node can require it at synth, so its options are checked there.
import { z } from 'zod';

export const ruleTypes = {
  plain: {
    schema: z.object({ type: z.literal('plain'), name: z.string().optional() }).strict(),
    create: (o) => ({ name: o.name ?? 'plain', type: 'plain', run: () => undefined }),
  },
};
