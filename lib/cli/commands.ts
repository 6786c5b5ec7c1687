import type { Command } from './io.js';

/**
 * The commands, each in its own module and imported only when it runs: `wmflow --help` loads
 * none, and `replay --engine-only` never loads the AWS SDK. A new command adds one line here.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  replay: () => import('./replay-command.js'),
  check: () => import('./check-command.js'),
  validate: () => import('./validate-command.js'),
  emulate: () => import('./emulate-command.js'),
  smtp: () => import('./smtp-command.js'),
  filter: () => import('./filter-command.js'),
};
