import path from 'node:path';
import { parseArgs } from 'node:util';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { ConfigError, loadRulesFile, type RuleType } from '../rules/index.js';
import { check } from './check.js';
import { emulate } from './emulate.js';
import { parseDirection } from './envelope.js';
import { UsageError } from './errors.js';
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

replay   runs each message through the emulated WorkMail (real handler, real AWS SDK clients,
         local Message Flow API and S3) and writes every final message to --out-dir (default out/)
check    dry-runs the rules and reports whether WorkMail would accept each result, whether
         attachments and immutable headers survive, and whether a second run changes nothing
         (--direction auto, the default: outbound when From is in the organisation's domains)
validate reports what WorkMail would reject in a message
emulate  serves the Message Flow API and S3 on loopback for other clients`;

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
    const config = () => {
      if (!v.config) throw new UsageError(`${command} needs --config rules.json`);
      return loadRulesFile(path.resolve(v.config), { types, platform: WORKMAIL_PLATFORM });
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
      default:
        throw new UsageError(`unknown command "${command}"; use replay, check, validate or emulate (wmflow --help)`);
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
