/**
 * A custom rule, written in TypeScript beside the built-ins: bounce outbound mail that carries
 * executable or script attachments. It is a plugin: a rules file that lists it
 * (`"plugins": ["./custom-rules/block-executables.ts"]`, see samples/rules-with-plugin.json) can
 * use `{"type": "block-executables"}` in the CLI, the Lambda and the CDK construct. Or pass
 * `blockExecutables()` directly to `runRules` / the pipeline.
 *
 * In a project of your own, import from the package instead: `import { defineRule, defineRuleType, z } from 'wmflow'`
 * and `import { findAttachments } from 'wmflow/mime'` (samples/consumer does).
 */
import path from 'node:path';
import { z } from 'zod';
import { findAttachments } from '../../lib/mime/index.js';
import { BUILTIN_RULE_TYPES, defineRule, defineRuleType, type Rule } from '../../lib/rules/index.js';

/** Extensions treated as executable content. */
export const EXECUTABLE_EXTENSIONS = ['exe', 'js', 'jse', 'vbs', 'vbe', 'bat', 'cmd', 'com', 'scr', 'ps1', 'msi', 'jar', 'hta'];

/** Bounces outbound mail with an executable attachment; reports which files it found. */
export function blockExecutables(options: { name?: string; extensions?: string[]; bounceMessage?: string } = {}): Rule {
  const extensions = new Set((options.extensions ?? EXECUTABLE_EXTENSIONS).map((e) => e.replace(/^\./, '').toLowerCase()));
  return defineRule({
    name: options.name ?? 'block-executables',
    when: { direction: 'OUTBOUND' },
    run(ctx) {
      const blocked = findAttachments(ctx.message).filter((a) => a.filename && extensions.has(path.extname(a.filename).slice(1).toLowerCase()));
      if (!blocked.length) return { unchanged: 'no executable attachments' };
      ctx.count('blocked-attachments', blocked.length);
      ctx.note(`found executable attachment(s): ${blocked.map((a) => a.filename).join(', ')}`);
      ctx.requestAction({ type: 'BOUNCE', bounceMessage: options.bounceMessage ?? 'Executable attachments may not be sent outside the company.' });
      return undefined;
    },
  });
}

/** The plugin's rule types: what a rules file's `"plugins"` entry loads. */
export const ruleTypes = {
  'block-executables': defineRuleType({
    schema: z
      .object({
        type: z.literal('block-executables'),
        name: z.string().optional(),
        extensions: z.array(z.string().min(1)).optional(),
        bounceMessage: z.string().min(1).optional(),
      })
      .strict(),
    create: (o) => blockExecutables(o),
  }),
};

/** The built-in rule types plus this one, for code that parses configs itself (`parseRulesConfig(json, { types: customRuleTypes })`). */
export const customRuleTypes = { ...BUILTIN_RULE_TYPES, ...ruleTypes };
