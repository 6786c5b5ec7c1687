import path from 'node:path';
import { loadRulesFileWithPlugins, type RulePlatform, type RulesConfig } from '../rules/index.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { UsageError } from './errors.js';
import type { CommandIo } from './io.js';

/**
 * Loads `--config` with the plugins it lists (relative to the file), for the platform the command
 * serves (WorkMail by default: replay and check emulate it; smtp and filter pass theirs).
 */
export async function loadConfigOption(
  command: string,
  file: string | undefined,
  io: CommandIo,
  platform: RulePlatform = WORKMAIL_PLATFORM,
): Promise<RulesConfig> {
  if (!file) throw new UsageError(`${command} needs --config rules.json`);
  return loadRulesFileWithPlugins(path.resolve(file), { platform, ...(io.types ? { types: io.types } : {}) });
}

/** `--org-domain a.com,b.com` → lower-case domains. */
export const orgDomainsOption = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
