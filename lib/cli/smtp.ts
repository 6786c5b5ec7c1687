import { readFileSync } from 'node:fs';
import type { RulesConfig } from '../rules/index.js';
import { DEFAULT_JUNK_HEADER, parseJunkHeader, SmtpFilter, type JunkHeader, type SmtpFilterOptions } from '../smtp/index.js';
import { UsageError } from './errors.js';

/** `HOST:PORT` (or `[v6]:PORT`) → its parts; a usage error names the option. */
export function parseHostPort(value: string | undefined, option: string): { host: string; port: number } {
  const m = value ? /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value) : null;
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535) throw new UsageError(`${option} must be HOST:PORT (e.g. 127.0.0.1:10025), not ${JSON.stringify(value ?? '')}`);
  return { host: (m[1] ?? m[2])!, port };
}

/** A positive integer option, or its default. */
export function positiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} must be a positive whole number, not ${JSON.stringify(value)}`);
  return n;
}

/** One of the allowed values, or the default. */
export function oneOf<T extends string>(value: string | undefined, option: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${option} must be ${allowed.join(' or ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

/** `--junk-header` → the header; a usage error when malformed or not allowed. */
export function junkHeaderOption(value: string | undefined): JunkHeader {
  if (value === undefined) return DEFAULT_JUNK_HEADER;
  try {
    return parseJunkHeader(value);
  } catch (e) {
    throw new UsageError(`--junk-header: ${(e as Error).message}`);
  }
}

/** The command-line values `wmflow smtp` reads. */
export interface SmtpCommandValues {
  listen?: string | undefined;
  relay?: string | undefined;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'max-size'?: string | undefined;
  'max-clients'?: string | undefined;
  'junk-header'?: string | undefined;
  'partial-bounce'?: string | undefined;
  'on-error'?: string | undefined;
}

/** Builds the filter's options from the command line (everything checked before listening). */
export function smtpOptions(
  v: SmtpCommandValues,
  config: RulesConfig,
  orgDomains: string[],
  log: (line: string) => void,
): SmtpFilterOptions & { listen: { host: string; port: number } } {
  const listen = parseHostPort(v.listen ?? '127.0.0.1:10025', '--listen');
  const relay = parseHostPort(v.relay, '--relay');
  if (!!v['tls-cert'] !== !!v['tls-key']) throw new UsageError('--tls-cert and --tls-key go together');
  const read = (file: string, option: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new UsageError(`${option}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return {
    listen,
    config,
    relay,
    orgDomains,
    tls: v['tls-cert'] && v['tls-key'] ? { cert: read(v['tls-cert'], '--tls-cert'), key: read(v['tls-key'], '--tls-key') } : undefined,
    maxSize: positiveInt(v['max-size'], '--max-size'),
    maxClients: positiveInt(v['max-clients'], '--max-clients'),
    junkHeader: junkHeaderOption(v['junk-header']),
    partialBounce: oneOf(v['partial-bounce'], '--partial-bounce', ['relay', 'reject'] as const, 'relay'),
    onError: oneOf(v['on-error'], '--on-error', ['tempfail', 'pass'] as const, 'tempfail'),
    log: (event) => log(JSON.stringify(event)),
  };
}

/**
 * `wmflow smtp`: runs the content filter until SIGTERM or SIGINT, then lets messages in flight
 * finish (new connections get 421). One JSON line per message on stderr.
 */
export async function smtp(options: ReturnType<typeof smtpOptions>, out: (line: string) => void): Promise<void> {
  const filter = new SmtpFilter(options);
  const at = await filter.listen(options.listen.port, options.listen.host);
  out(`wmflow smtp: listening on ${at.address}:${at.port}, relaying to ${options.relay.host}:${options.relay.port}${options.tls ? ', STARTTLS offered' : ''}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  out(`wmflow smtp: shutting down, ${filter.inFlightCount} message(s) in flight`);
  await filter.close();
  out('wmflow smtp: stopped');
}
