import { SMTP_PLATFORM } from '../smtp/index.js';
import { parseCommandArgs } from './args.js';
import { parseDirection } from './envelope.js';
import { UsageError } from './errors.js';
import { filter } from './filter.js';
import type { CommandIo } from './io.js';
import { loadConfigOption, orgDomainsOption } from './rules-option.js';
import { junkHeaderOption, oneOf } from './smtp.js';

const OPTIONS = {
  config: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  direction: { type: 'string' },
  'org-domain': { type: 'string' },
  'junk-header': { type: 'string' },
  'partial-bounce': { type: 'string' },
  'on-error': { type: 'string' },
} as const;

/** `wmflow filter`: one message from stdin to stdout, with sysexits codes. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('filter', args, OPTIONS);
  if (positionals.length) throw new UsageError('filter reads the message on stdin and takes no file arguments');
  if (v.from === undefined) throw new UsageError('filter needs --from ADDR (the envelope sender; "" for the null sender)');
  const to = (v.to ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!to.length) throw new UsageError('filter needs --to ADDR[,ADDR…] (the envelope recipients)');
  const direction = parseDirection(v.direction);
  const config = await loadConfigOption('filter', v.config, io, SMTP_PLATFORM);
  const options = {
    config,
    from: v.from,
    to,
    direction,
    orgDomains: orgDomainsOption(v['org-domain']),
    junkHeader: junkHeaderOption(v['junk-header']),
    partialBounce: oneOf(v['partial-bounce'], '--partial-bounce', ['relay', 'reject'] as const, 'relay'),
    onError: oneOf(v['on-error'], '--on-error', ['tempfail', 'pass'] as const, 'tempfail'),
  };
  return await filter(options, process.stdin, process.stdout, io.err);
}
