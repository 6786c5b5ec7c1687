import { readFileSync } from 'node:fs';
import { WmflowError } from '../errors.js';
import type { RuleType } from '../rules/config.js';
import { COMMANDS } from './commands.js';
import { UsageError } from './errors.js';

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
  wmflow --version

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
         for DROP, with nothing written), 77 bounce (text on stderr), 75 try again later

A rules file may list "plugins" (modules exporting ruleTypes), resolved from its folder.`;

/** The version in wmflow's package.json (two levels up from lib/cli, three from dist/lib/cli). */
function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wmflow' && pkg.version) return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

/** Runs the CLI; returns the exit code (0 ok, 1 a check or message failed, 2 bad usage or config). */
export async function main(
  argv: string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
  types?: Record<string, RuleType>,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      out(USAGE);
      return command ? 0 : 2;
    }
    if (command === '--version' || command === '-v') {
      out(version());
      return 0;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command "${command}"; use ${Object.keys(COMMANDS).join(', ')} (wmflow --help)`);
    return await (await load()).run(rest, { out, err, types });
  } catch (e) {
    // Usage and configuration problems: one message, exit 2 (checked by code: loading the
    // config module here would cost every command, --help included, its start-up time).
    if (e instanceof WmflowError && (e.code === 'CLI_USAGE' || e.code === 'CONFIG_INVALID')) {
      err(`wmflow: ${e.message}`);
      return 2;
    }
    err(`wmflow: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
