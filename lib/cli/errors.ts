import { WmflowError } from '../errors.js';

/** A bad command line: one clear message, exit code 2. */
export class UsageError extends WmflowError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}
