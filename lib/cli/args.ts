import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses one command's arguments against that command's own option table: an option another
 * command takes is as unknown here as a typo, and fails with one line (exit 2).
 */
export function parseCommandArgs<const T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify.*$/s, '').replace(/\n.*$/s, '');
    throw new UsageError(`${command}: ${message} (wmflow --help)`);
  }
}
