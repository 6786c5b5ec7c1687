import { SMTP_PLATFORM } from '../smtp/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './errors.js';
import type { CommandIo } from './io.js';
import { loadConfigOption, orgDomainsOption } from './rules-option.js';
import { smtp, smtpOptions } from './smtp.js';

const OPTIONS = {
  config: { type: 'string' },
  listen: { type: 'string' },
  relay: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'max-size': { type: 'string' },
  'max-clients': { type: 'string' },
  'junk-header': { type: 'string' },
  'partial-bounce': { type: 'string' },
  'on-error': { type: 'string' },
  'org-domain': { type: 'string' },
} as const;

/** `wmflow smtp`: the rules as an SMTP content filter, until SIGTERM or SIGINT. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('smtp', args, OPTIONS);
  if (positionals.length) throw new UsageError(`smtp takes no positional arguments (got ${positionals.join(' ')})`);
  const config = await loadConfigOption('smtp', v.config, io, SMTP_PLATFORM);
  await smtp(smtpOptions(v, config, orgDomainsOption(v['org-domain']), io.err), io.out);
  return 0;
}
