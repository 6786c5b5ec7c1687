import path from 'node:path';
import { parseArgs } from 'node:util';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { ConfigError, loadRulesFile, type RuleType } from '../rules/index.js';
import type { MailPlatform } from '../core/index.js';
import { SMTP_PLATFORM } from '../smtp/index.js';
import { check } from './check.js';
import { emulate } from './emulate.js';
import { parseDirection } from './envelope.js';
import { UsageError } from './errors.js';
import { filter } from './filter.js';
import { junkHeaderOption, oneOf, smtp, smtpOptions } from './smtp.js';
import { collectEmlFiles } from './inputs.js';
import { replay } from './replay.js';
import { validate } from './validate.js';

const USAGE = `wmflow — Amazon WorkMail message-flow rules, locally

Usage:
  wmflow replay <.eml files or folders…> --config rules.json [--out-dir DIR] [--direction inbound|outbound|auto]
                [--from ADDR] [--to ADDR,…] [--org-domain D,…] [--json] [--engine-only]
  wmflow check <folders…> --config rules.json [--direction …] [--from …] [--to …] [--org-domain …] [--json]
  wmflow validate <.eml…> [--json]
  wmflow emulate [--port N] [--messages FOLDER]
  wmflow smtp --config rules.json --relay HOST:PORT [--listen HOST:PORT] [--tls-cert F --tls-key F]
              [--max-size BYTES] [--max-clients N] [--junk-header "X-Spam-Flag: YES"] [--org-domain D,…]
              [--partial-bounce relay|reject] [--on-error tempfail|pass]
  wmflow filter --config rules.json --from ADDR --to ADDR[,ADDR] [--direction inbound|outbound|auto]
              [--org-domain D,…] [--junk-header …] [--partial-bounce relay|reject] [--on-error tempfail|pass]

replay   runs each message through the emulated WorkMail (real handler, real AWS SDK clients,
         local Message Flow API and S3) and writes every final message to --out-dir (default out/)
check    dry-runs the rules and reports whether WorkMail would accept each result, whether
         attachments and immutable headers survive, and whether a second run changes nothing
         (--direction auto, the default: outbound when From is in the organisation's domains)
validate reports what WorkMail would reject in a message
emulate  serves the Message Flow API and S3 on loopback for other clients
smtp     runs the rules as an SMTP content filter (Postfix content_filter): receives on --listen
         (default 127.0.0.1:10025), relays to --relay, answers only after the next hop did
filter   runs the rules on one message from stdin and writes the result to stdout; exit 0 (also
         for DROP, with nothing written), 77 bounce (text on stderr), 75 try again later`;

/** Runs the CLI; returns the exit code (0 ok, 1 a check or message failed, 2 bad usage or config). */
export async function main(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error, types?: Record<string, RuleType>): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      out(USAGE);
      return command ? 0 : 2;
    }
    const envelopeOptions = {
      config: { type: 'string' },
      'out-dir': { type: 'string' },
      direction: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'org-domain': { type: 'string' },
      json: { type: 'boolean' },
      'engine-only': { type: 'boolean' },
      port: { type: 'string' },
      messages: { type: 'string' },
      // wmflow smtp / filter (lib/cli/smtp.ts, lib/cli/filter.ts)
      listen: { type: 'string' },
      relay: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'max-size': { type: 'string' },
      'max-clients': { type: 'string' },
      'junk-header': { type: 'string' },
      'partial-bounce': { type: 'string' },
      'on-error': { type: 'string' },
    } as const;
    const parsed = (() => {
      try {
        return parseArgs({ args: rest, options: envelopeOptions, allowPositionals: true, strict: true });
      } catch (e) {
        throw new UsageError((e as Error).message.replace(/\. To specify.*$/, ''));
      }
    })();
    const v = parsed.values;
    parseDirection(v.direction); // fail on a bad value before any message is read
    const orgDomains = (v['org-domain'] ?? '').split(',').map((d) => d.trim().toLowerCase()).filter(Boolean);
    const config = (platform: MailPlatform = WORKMAIL_PLATFORM) => {
      if (!v.config) throw new UsageError(`${command} needs --config rules.json`);
      return loadRulesFile(path.resolve(v.config), { types, platform });
    };
    switch (command) {
      case 'replay': {
        const files = collectEmlFiles(parsed.positionals);
        const results = await replay(
          { files, config: config(), outDir: v['out-dir'] ?? 'out', json: v.json ?? false, engineOnly: v['engine-only'] ?? false, direction: v.direction, from: v.from, to: v.to, orgDomains },
          out,
        );
        return results.some((r) => r.status === 'error') ? 1 : 0;
      }
      case 'check': {
        const files = collectEmlFiles(parsed.positionals);
        const results = await check({ files, config: config(), json: v.json ?? false, direction: v.direction, from: v.from, to: v.to, orgDomains }, out);
        return results.every((r) => r.passed) ? 0 : 1;
      }
      case 'validate': {
        const results = await validate(collectEmlFiles(parsed.positionals), v.json ?? false, out);
        return results.some((r) => r.error || r.problems.some((p) => p.severity === 'error')) ? 1 : 0;
      }
      case 'emulate': {
        const port = v.port === undefined ? undefined : Number(v.port);
        if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65534)) throw new UsageError(`--port must be a port number, not "${v.port}"`);
        const emulator = await emulate({ ...(port ? { port } : {}), ...(v.messages ? { messages: v.messages } : {}) }, out);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await emulator.close();
        return 0;
      }
      case 'smtp': {
        if (parsed.positionals.length) throw new UsageError(`smtp takes no positional arguments (got ${parsed.positionals.join(' ')})`);
        await smtp(smtpOptions(v, config(SMTP_PLATFORM), orgDomains, err), out);
        return 0;
      }
      case 'filter': {
        if (parsed.positionals.length) throw new UsageError('filter reads the message on stdin and takes no file arguments');
        if (v.from === undefined) throw new UsageError('filter needs --from ADDR (the envelope sender; "" for the null sender)');
        const to = (v.to ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (!to.length) throw new UsageError('filter needs --to ADDR[,ADDR…] (the envelope recipients)');
        const options = {
          config: config(SMTP_PLATFORM),
          from: v.from,
          to,
          direction: parseDirection(v.direction),
          orgDomains,
          junkHeader: junkHeaderOption(v['junk-header']),
          partialBounce: oneOf(v['partial-bounce'], '--partial-bounce', ['relay', 'reject'] as const, 'relay'),
          onError: oneOf(v['on-error'], '--on-error', ['tempfail', 'pass'] as const, 'tempfail'),
        };
        return await filter(options, process.stdin, process.stdout, err);
      }
      default:
        throw new UsageError(`unknown command "${command}"; use replay, check, validate, emulate, smtp or filter (wmflow --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      err(`wmflow: ${e.message}`);
      return 2;
    }
    err(`wmflow: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
