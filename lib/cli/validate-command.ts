import { parseCommandArgs } from './args.js';
import { collectEmlFiles } from './inputs.js';
import type { CommandIo } from './io.js';
import { validate } from './validate.js';

const OPTIONS = { json: { type: 'boolean' } } as const;

/** `wmflow validate`: exit 1 when WorkMail would reject a message. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('validate', args, OPTIONS);
  const results = await validate(collectEmlFiles(positionals), v.json ?? false, io.out);
  return results.some((r) => r.error || r.problems.some((p) => p.severity === 'error')) ? 1 : 0;
}
