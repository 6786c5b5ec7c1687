import { parseCommandArgs } from './args.js';
import { emulate } from './emulate.js';
import { UsageError } from './errors.js';
import type { CommandIo } from './io.js';

const OPTIONS = { port: { type: 'string' }, messages: { type: 'string' } } as const;

/** `wmflow emulate`: serves until SIGINT/SIGTERM. */
export async function run(args: string[], io: CommandIo): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('emulate', args, OPTIONS);
  if (positionals.length) throw new UsageError(`emulate takes no arguments, not "${positionals[0]}" (use --messages FOLDER)`);
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65534)) throw new UsageError(`--port must be a port number, not "${v.port}"`);
  const emulator = await emulate({ ...(port ? { port } : {}), ...(v.messages ? { messages: v.messages } : {}) }, io.out);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}
