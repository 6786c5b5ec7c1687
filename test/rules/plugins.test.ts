import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSettingsFromEnv } from '../../lib/flow/settings.js';
import { ConfigError, defineRule, defineRuleType, loadRulesFile, loadRulesFileWithPlugins, type RulesPlugin } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { SAMPLES_DIR } from '../support/samples.js';

const root = path.resolve(import.meta.dirname, '../..');
const withPlugin = path.join(SAMPLES_DIR, 'rules-with-plugin.json');
// Inside the project (.scratch/ is ignored), so plugins there resolve `zod` as a project's plugins would.
mkdirSync(path.join(root, '.scratch'), { recursive: true });
const scratch = mkdtempSync(path.join(root, '.scratch', 'plugins-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(relative: string, content: unknown): string {
  const file = path.join(scratch, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const plainPlugin = (typeName: string) => `import { z } from 'zod';
export const ruleTypes = {
  '${typeName}': { schema: z.object({ type: z.literal('${typeName}'), name: z.string().optional() }).strict(), create: (o) => ({ name: o.name ?? '${typeName}', type: '${typeName}', run: () => undefined }) },
};\n`;

async function problems(file: string): Promise<string[]> {
  try {
    await loadRulesFileWithPlugins(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('rules files with plugins', () => {
  it('imports a plugin relative to the rules file and uses its rule type beside the built-ins', async () => {
    const config = await loadRulesFileWithPlugins(withPlugin, { platform: WORKMAIL_PLATFORM });
    expect(config.plugins).toEqual(['./custom-rules/block-executables.ts']);
    expect(config.rules.map((r) => r.name)).toContain('no-executables-out');
    expect(config.rules.find((r) => r.name === 'no-executables-out')!.when).toEqual({ direction: 'OUTBOUND' });
  });

  it('the sync loader says which loader imports plugins', () => {
    expect(() => loadRulesFile(withPlugin)).toThrow(/unknown rule type "block-executables".*load it with loadRulesFileWithPlugins/);
  });

  it('resolves a bare name by Node resolution from the rules file’s folder', async () => {
    write('project/node_modules/wmflow-plugin-sample/package.json', {
      name: 'wmflow-plugin-sample',
      type: 'module',
      exports: { '.': { default: './index.js' } },
    });
    write('project/node_modules/wmflow-plugin-sample/index.js', plainPlugin('from-package'));
    const file = write('project/config/rules.json', { plugins: ['wmflow-plugin-sample'], rules: [{ type: 'from-package', name: 'p' }] });
    const config = await loadRulesFileWithPlugins(file);
    expect(config.rules.map((r) => [r.name, r.type])).toEqual([['p', 'from-package']]);
  });

  it('names a plugin that cannot be resolved, one without ruleTypes, and a type defined twice', async () => {
    const missing = write('missing/rules.json', { plugins: ['./nope.js', 'no-such-plugin-package'], rules: [] });
    expect((await problems(missing))[0]).toMatch(/^plugins\[0\]: cannot resolve plugin "\.\/nope\.js" from .*missing \(MODULE_NOT_FOUND\)$/);
    write('shapeless/plugin.mjs', 'export const rules = {};\n');
    expect(await problems(write('shapeless/rules.json', { plugins: ['./plugin.mjs'], rules: [] }))).toEqual([
      'plugins[0]: "./plugin.mjs" does not export ruleTypes (a record of rule type name → defineRuleType(...))',
    ]);
    write('clash/plugin.mjs', plainPlugin('redact'));
    expect(await problems(write('clash/rules.json', { plugins: ['./plugin.mjs'], rules: [] }))).toEqual([
      'plugins[0]: "./plugin.mjs" defines rule type "redact", already defined by the built-in types',
    ]);
  });

  it('still reports every rule problem, plugin options included, with the file named', async () => {
    const file = write('bad-options/rules.json', {
      plugins: [path.join(SAMPLES_DIR, 'custom-rules/block-executables.ts')],
      rules: [{ type: 'block-executables', extension: ['exe'] }, { type: 'disclamer' }],
    });
    await expect(loadRulesFileWithPlugins(file)).rejects.toThrow(
      /invalid .*bad-options.rules\.json:\n {2}rules\[0\]: unknown option "extension" \(did you mean "extensions"\?\)\n {2}rules\[1\]\.type: unknown rule type "disclamer"/,
    );
  });

  it('uses plugins handed in by specifier without importing them (the Lambda bundle’s case)', async () => {
    const preloaded: RulesPlugin = {
      ruleTypes: {
        bundled: defineRuleType({ schema: z.object({ type: z.literal('bundled') }), create: () => defineRule({ name: 'bundled', run: () => undefined }) }),
      },
    };
    const file = write('bundled/rules.json', { plugins: ['./not-on-disk.js'], rules: [{ type: 'bundled' }] });
    const config = await loadRulesFileWithPlugins(file, { plugins: { './not-on-disk.js': preloaded } });
    expect(config.rules.map((r) => r.name)).toEqual(['bundled']);
  });

  it('loads plugins for the Lambda’s settings (WMFLOW_RULES_FILE)', async () => {
    const settings = await loadSettingsFromEnv({ WMFLOW_BUCKET: 'my-bucket', WMFLOW_RULES_FILE: 'samples/rules-with-plugin.json', LAMBDA_TASK_ROOT: root });
    expect(settings.rules.map((r) => r.name)).toEqual([
      'tag-external',
      'external-warning',
      'dlp-outbound',
      'legal-footer',
      'stamp',
      'junk-high-spam-score',
      'no-executables-out',
    ]);
  });
});
