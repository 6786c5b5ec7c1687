import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFromEnv, SettingsError } from '../../lib/flow/settings.js';
import { ConfigError } from '../../lib/rules/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const base = { WMFLOW_BUCKET: 'my-bucket', WMFLOW_RULES_FILE: 'samples/rules.json', LAMBDA_TASK_ROOT: root };

describe('settingsFromEnv', () => {
  it('reads the bundled rules file relative to the function code, with defaults', () => {
    const s = settingsFromEnv({ ...base, WMFLOW_ORG_DOMAINS: 'Other.org, example.com', AWS_REGION: 'eu-west-1' });
    expect(s.rules.length).toBe(6);
    expect(s.orgDomains).toEqual(['example.com', 'other.org']);
    expect([s.bucket, s.keyPrefix, s.failClosed, s.region, s.s3ForcePathStyle]).toEqual(['my-bucket', 'updated/', false, 'eu-west-1', false]);
  });

  it('prefers inline JSON', () => {
    const s = settingsFromEnv({ ...base, WMFLOW_RULES_JSON: '{"rules":[{"type":"subject-tag","tag":"[X]"}]}', WMFLOW_FAIL_CLOSED: 'true' });
    expect(s.rules.map((r) => r.name)).toEqual(['subject-tag']);
    expect(s.failClosed).toBe(true);
  });

  it.each([
    [{ WMFLOW_BUCKET: '' }, SettingsError, /WMFLOW_BUCKET is not set/],
    [{ WMFLOW_BUCKET: 'Bad_Bucket' }, SettingsError, /"Bad_Bucket" is not a bucket WorkMail can read from/],
    [{ WMFLOW_BUCKET: 'my.dotted.bucket' }, SettingsError, /no dots/],
    [{ WMFLOW_RULES_FILE: '' }, SettingsError, /no rules: set WMFLOW_RULES_FILE .* or WMFLOW_RULES_JSON/],
    [{ WMFLOW_FAIL_CLOSED: 'yes' }, SettingsError, /WMFLOW_FAIL_CLOSED must be "true" or "false", not "yes"/],
    [
      { WMFLOW_RULES_JSON: '{"rules":[{"type":"redact","detectors":["credit_card"]}]}' },
      ConfigError,
      /invalid WMFLOW_RULES_JSON:\n {2}rules\[0\]\.detectors\[0\]: unknown detector "credit_card"/,
    ],
    [{ WMFLOW_RULES_FILE: 'missing.json' }, ConfigError, /cannot read .*missing\.json: ENOENT/],
  ])('%j fails with one clear message', (env, type, message) => {
    expect(() => settingsFromEnv({ ...base, ...env })).toThrow(type);
    expect(() => settingsFromEnv({ ...base, ...env })).toThrow(message);
  });
});
