import { parseCommandArgs } from './args.js';
import { check } from './check.js';
import { parseDirection } from './envelope.js';
import { collectEmlFiles } from './inputs.js';
import type { CommandIo } from './io.js';
import { loadConfigOption, orgDomainsOption } from './rules-option.js';

const OPTIONS = {
  config: { type: 'string' },
  direction: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'org-domain': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `wmflow check`: exit 1 when a message fails a check. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('check', args, OPTIONS);
  parseDirection(v.direction);
  const config = await loadConfigOption('check', v.config, io);
  const files = collectEmlFiles(positionals);
  const results = await check(
    { files, config, json: v.json ?? false, direction: v.direction, from: v.from, to: v.to, orgDomains: orgDomainsOption(v['org-domain']) },
    io.out,
  );
  return results.every((r) => r.passed) ? 0 : 1;
}
