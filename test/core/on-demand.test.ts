import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../support/samples.js';

const DIST = path.resolve(import.meta.dirname, '../../dist/lib/index.js');
const TRACKED = ['iconv-lite', 'encoding-japanese', 're2js'];

/**
 * Runs the compiled core step in a fresh process on one sample with `rules`, and returns which
 * of the on-demand CommonJS packages that process loaded (from Node's require cache).
 */
function loadedPackages(sampleName: string, rules: unknown[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { readFileSync } from 'node:fs';
    const { processMessage, parseRulesConfig, WORKMAIL_PLATFORM } = await import(${JSON.stringify(pathToFileURL(DIST).href)});
    const config = parseRulesConfig({ orgDomains: ['example.com'], rules: ${JSON.stringify(rules)} }, { platform: WORKMAIL_PLATFORM });
    const outcome = await processMessage({
      bytes: readFileSync(${JSON.stringify(path.join(SAMPLES_DIR, sampleName))}),
      envelope: { direction: 'INBOUND', mailFrom: 'a@partner.example.org', recipients: ['user@example.com'] },
      rules: config.rules, orgDomains: config.orgDomains, platform: WORKMAIL_PLATFORM,
    });
    if (outcome.status !== 'updated') throw new Error('expected an update, got ' + outcome.status);
    const names = Object.keys(createRequire(import.meta.url).cache).map((f) => f.match(/node_modules\\/([^/]+)\\//)?.[1]).filter(Boolean);
    console.log(JSON.stringify([...new Set(names)]));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout.trim()) as string[]).filter((n) => TRACKED.includes(n)).sort();
}

const disclaimer = { type: 'disclaimer', text: 'Confidential.', position: 'bottom' };

describe('packages loaded on demand (compiled code, fresh processes)', () => {
  it('UTF-8 mail with a disclaimer loads no charset tables and no RE2', () => {
    expect(loadedPackages('utf8-quoted-printable.eml', [disclaimer])).toEqual([]);
  });

  it('a Latin-1 body loads iconv-lite, an ISO-2022-JP one encoding-japanese', () => {
    expect(loadedPackages('iso-8859-1-quoted-printable.eml', [disclaimer])).toContain('iconv-lite');
    expect(loadedPackages('iso-2022-jp.eml', [disclaimer])).toContain('encoding-japanese');
  });

  it('a configuration with a user pattern loads re2js', () => {
    const tag = { type: 'subject-tag', tag: '[X]', when: { subject: { pattern: 'lunch|quarterly', flags: 'i' } } };
    expect(loadedPackages('utf8-quoted-printable.eml', [disclaimer])).not.toContain('re2js');
    expect(loadedPackages('utf8-quoted-printable.eml', [disclaimer, tag])).toEqual(['re2js']);
  });
});
