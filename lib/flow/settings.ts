import { isS3ReferenceBucket } from '../workmail/limits.js';
import { WORKMAIL_PLATFORM } from '../workmail/platform.js';
import path from 'node:path';
import { WmflowError } from '../errors.js';
import { loadRulesFile, parseRulesJson, type RulesConfig, type RuleType } from '../rules/index.js';
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
  const bucket = env.WMFLOW_BUCKET?.trim();
  if (!bucket) throw new SettingsError('WMFLOW_BUCKET is not set: name the bucket WorkMail reads updated messages from');
  // WorkMail's S3Reference pattern is stricter than S3's: no dots (PutRawMessageContent would fail).
  if (!isS3ReferenceBucket(bucket)) {
    throw new SettingsError(`WMFLOW_BUCKET "${bucket}" is not a bucket WorkMail can read from: 3-63 characters of a-z, 0-9 and "-" (no dots)`);
  }
  let config: RulesConfig;
  if (env.WMFLOW_RULES_JSON?.trim()) {
    config = parseRulesJson(env.WMFLOW_RULES_JSON, 'WMFLOW_RULES_JSON', { types, platform: WORKMAIL_PLATFORM });
  } else if (env.WMFLOW_RULES_FILE?.trim()) {
    const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
    config = loadRulesFile(path.resolve(root, env.WMFLOW_RULES_FILE.trim()), { types, platform: WORKMAIL_PLATFORM });
  } else {
    throw new SettingsError('no rules: set WMFLOW_RULES_FILE (a bundled JSON file) or WMFLOW_RULES_JSON');
  }
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
