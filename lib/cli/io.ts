import type { RuleType } from '../rules/config.js';

/** Where a command writes, and the rule types it may use. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Rule types instead of the built-ins (give BUILTIN_RULE_TYPES plus yours); plugins add to them. @default BUILTIN_RULE_TYPES */
  types?: Record<string, RuleType> | undefined;
}

/** A command module, loaded only when its command runs (so `wmflow --help` loads none). */
export interface Command {
  /** Runs the command on its arguments (after the command name); returns the exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
}
