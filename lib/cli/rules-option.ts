import path from 'node:path';
import { loadRulesFileWithPlugins, type RulesConfig } from '../rules/index.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import { UsageError } from './errors.js';
import type { CommandIo } from './io.js';

/** Loads `--config` for WorkMail, with the plugins it lists (relative to the file). */
export async function loadConfigOption(command: string, file: string | undefined, io: CommandIo): Promise<RulesConfig> {
  if (!file) throw new UsageError(`${command} needs --config rules.json`);
  return loadRulesFileWithPlugins(path.resolve(file), { platform: WORKMAIL_PLATFORM, ...(io.types ? { types: io.types } : {}) });
}

/** `--org-domain a.com,b.com` → lower-case domains. */
export const orgDomainsOption = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
