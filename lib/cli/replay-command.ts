import { parseCommandArgs } from './args.js';
import { parseDirection } from './envelope.js';
import { collectEmlFiles } from './inputs.js';
import type { CommandIo } from './io.js';
import { replay } from './replay.js';
import { loadConfigOption, orgDomainsOption } from './rules-option.js';

const OPTIONS = {
  config: { type: 'string' },
  'out-dir': { type: 'string' },
  direction: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'org-domain': { type: 'string' },
  json: { type: 'boolean' },
  'engine-only': { type: 'boolean' },
} as const;

/** `wmflow replay`: exit 1 when a message could not be replayed. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('replay', args, OPTIONS);
  parseDirection(v.direction); // fail on a bad value before any message is read
  const config = await loadConfigOption('replay', v.config, io);
  const files = collectEmlFiles(positionals);
  const results = await replay(
    {
      files,
      config,
      outDir: v['out-dir'] ?? 'out',
      json: v.json ?? false,
      engineOnly: v['engine-only'] ?? false,
      direction: v.direction,
      from: v.from,
      to: v.to,
      orgDomains: orgDomainsOption(v['org-domain']),
    },
    io.out,
  );
  return results.some((r) => r.status === 'error') ? 1 : 0;
}
