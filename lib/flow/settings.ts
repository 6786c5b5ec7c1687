import { isS3ReferenceBucket } from '../workmail/limits.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import path from 'node:path';
import { WmflowError } from '../errors.js';
import {
  loadRulesFile,
  loadRulesFileWithPlugins,
  parseRulesJson,
  parseRulesJsonWithPlugins,
  type RulesConfig,
  type RulesPlugin,
  type RuleType,
} from '../rules/index.js';
import type { PipelineConfig } from './pipeline.js';

/** Settings the Lambda reads from its environment, validated once at cold start. */
export interface FlowSettings extends PipelineConfig {
  region: string | undefined;
  s3ForcePathStyle: boolean;
}

/** A missing or malformed environment variable. */
export class SettingsError extends WmflowError {
  constructor(message: string) {
    super('SETTINGS_INVALID', message);
  }
}

/**
 * Reads the handler's settings:
 * - `WMFLOW_RULES_FILE` (path, relative to the function's code) or `WMFLOW_RULES_JSON` (inline);
 * - `WMFLOW_BUCKET` (required), `WMFLOW_KEY_PREFIX` (default `updated/`);
 * - `WMFLOW_ORG_DOMAINS` (comma-separated, added to the config's `orgDomains`);
 * - `WMFLOW_FAIL_CLOSED` (`true` to throw instead of delivering unmodified on internal errors);
 * - `WMFLOW_S3_FORCE_PATH_STYLE` (`true` for local S3 servers).
 *
 * @throws {SettingsError} or {@link ConfigError} with every problem named.
 */
export function settingsFromEnv(env: Record<string, string | undefined>, types?: Record<string, RuleType>): FlowSettings {
  const bucket = bucketFromEnv(env);
  const source = rulesSource(env);
  const options = { types, platform: WORKMAIL_PLATFORM };
  const config = source.kind === 'json' ? parseRulesJson(source.text, 'WMFLOW_RULES_JSON', options) : loadRulesFile(source.file, options);
  return withConfig(env, bucket, config);
}

/**
 * {@link settingsFromEnv} for rules that may list plugins: imports them (relative to the rules
 * file, or to the code root for `WMFLOW_RULES_JSON`) unless `plugins` already holds them by the
 * specifier the rules list.
 *
 * @throws {SettingsError} or {@link ConfigError} with every problem named.
 */
export async function loadSettingsFromEnv(
  env: Record<string, string | undefined>,
  options: { types?: Record<string, RuleType> | undefined; plugins?: Record<string, RulesPlugin> | undefined } = {},
): Promise<FlowSettings> {
  const bucket = bucketFromEnv(env);
  const source = rulesSource(env);
  const loadOptions = { ...options, platform: WORKMAIL_PLATFORM };
  const config =
    source.kind === 'json'
      ? await parseRulesJsonWithPlugins(source.text, 'WMFLOW_RULES_JSON', codeRoot(env), loadOptions)
      : await loadRulesFileWithPlugins(source.file, loadOptions);
  return withConfig(env, bucket, config);
}

/** Relative paths resolve against the function's code (/var/task on Lambda). */
const codeRoot = (env: Record<string, string | undefined>) => env.LAMBDA_TASK_ROOT ?? process.cwd();

function bucketFromEnv(env: Record<string, string | undefined>): string {
  const bucket = env.WMFLOW_BUCKET?.trim();
  if (!bucket) throw new SettingsError('WMFLOW_BUCKET is not set: name the bucket WorkMail reads updated messages from');
  // WorkMail's S3Reference pattern is stricter than S3's: no dots (PutRawMessageContent would fail).
  if (!isS3ReferenceBucket(bucket)) {
    throw new SettingsError(`WMFLOW_BUCKET "${bucket}" is not a bucket WorkMail can read from: 3-63 characters of a-z, 0-9 and "-" (no dots)`);
  }
  return bucket;
}

function rulesSource(env: Record<string, string | undefined>): { kind: 'json'; text: string } | { kind: 'file'; file: string } {
  if (env.WMFLOW_RULES_JSON?.trim()) return { kind: 'json', text: env.WMFLOW_RULES_JSON };
  if (env.WMFLOW_RULES_FILE?.trim()) return { kind: 'file', file: path.resolve(codeRoot(env), env.WMFLOW_RULES_FILE.trim()) };
  throw new SettingsError('no rules: set WMFLOW_RULES_FILE (a bundled JSON file) or WMFLOW_RULES_JSON');
}

function withConfig(env: Record<string, string | undefined>, bucket: string, config: RulesConfig): FlowSettings {
  const extraDomains = (env.WMFLOW_ORG_DOMAINS ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  const bool = (name: string) => {
    const v = env[name]?.trim().toLowerCase();
    if (v === undefined || v === '' || v === 'false' || v === '0') return false;
    if (v === 'true' || v === '1') return true;
    throw new SettingsError(`${name} must be "true" or "false", not "${env[name]}"`);
  };
  return {
    rules: config.rules,
    orgDomains: [...new Set([...config.orgDomains, ...extraDomains])],
    bucket,
    keyPrefix: env.WMFLOW_KEY_PREFIX ?? 'updated/',
    failClosed: bool('WMFLOW_FAIL_CLOSED'),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    s3ForcePathStyle: bool('WMFLOW_S3_FORCE_PATH_STYLE'),
  };
}
