/**
 * The package as a user gets it: `npm pack` of this repository installed into a temporary copy of
 * samples/consumer (outside the repository, so nothing resolves from its node_modules by
 * accident), then the consumer's own commands.
 *
 * To stay within about a minute, `npm install --omit=dev` installs wmflow, its dependencies and
 * the peers the app provides (aws-cdk-lib, constructs, esbuild) from the tarball and the npm
 * cache, and the rest of the consumer's toolchain (typescript, tsx, aws-cdk, @types/node) is
 * linked from this repository's install.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
let dir: string;
let app: string;
/** `npm run synth`, started as soon as the install is done: it runs beside the other tests. */
let synth: Promise<unknown>;

/** Runs a command in the consumer copy; fails the test with its output when it fails. */
async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, { cwd: app, env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wmflow-consumer-'));
  // dist is already built (npm test builds first); --ignore-scripts packs it as it is.
  await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT });
  const tarball = path.join(dir, `wmflow-${pkg.version}.tgz`);
  app = path.join(dir, 'app');
  cpSync(path.join(ROOT, 'samples/consumer'), app, { recursive: true, filter: (src) => !/(node_modules|cdk\.out|\.wmflow|out)$/.test(src) });
  const manifest = readFileSync(path.join(app, 'package.json'), 'utf8');
  expect(manifest).toContain(`"wmflow": "file:../../wmflow-${pkg.version}.tgz"`);
  writeFileSync(path.join(app, 'package.json'), manifest.replace(`file:../../wmflow-${pkg.version}.tgz`, `file:${tarball}`));
  await run('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
  const devDependencies = Object.keys((JSON.parse(manifest) as { devDependencies: Record<string, string> }).devDependencies);
  for (const name of devDependencies) {
    // Those wmflow names as (optional) peers are installed with it: one copy, shared with the app.
    if (existsSync(path.join(app, 'node_modules', name))) continue;
    mkdirSync(path.dirname(path.join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name));
  }
  for (const bin of ['tsc', 'tsx', 'cdk'])
    if (!existsSync(path.join(app, 'node_modules/.bin', bin))) symlinkSync(path.join(ROOT, 'node_modules/.bin', bin), path.join(app, 'node_modules/.bin', bin));
  synth = run('npm', ['run', 'synth']);
  synth.catch(() => {}); // awaited (and reported) by its test
}, 180_000);

afterAll(async () => {
  await synth?.catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('samples/consumer with the packed package', () => {
  it('ships only dist and the docs', () => {
    const shipped = readdirSync(path.join(app, 'node_modules/wmflow')).sort();
    expect(shipped).toEqual(['README.md', 'dist', 'infra', 'package.json']);
    expect(readdirSync(path.join(app, 'node_modules/wmflow/infra'))).toEqual(['README.md']);
  });

  it('imports every entry point from plain Node', async () => {
    const script = `
      import { processMessage, defineRuleType, loadRulesFileWithPlugins, z, WORKMAIL_PLATFORM } from 'wmflow';
      import { parseMessage } from 'wmflow/mime';
      import { createHandler } from 'wmflow/lambda';
      import { startEmulator } from 'wmflow/emulator';
      import { WorkMailMessageFlowProcessor } from 'wmflow/cdk';
      import { createRequire } from 'node:module';
      const version = createRequire(import.meta.url)('wmflow/package.json').version;
      // Plain Node cannot import the .ts plugin: the loader says how.
      const config = await loadRulesFileWithPlugins('rules.json', { platform: WORKMAIL_PLATFORM }).catch((e) => e.message);
      console.log(JSON.stringify({ version, kinds: [processMessage, defineRuleType, z.object, parseMessage, createHandler, startEmulator, WorkMailMessageFlowProcessor].map((f) => typeof f), config }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ version: pkg.version, kinds: Array(7).fill('function') });
    expect(result.config).toContain('plugins[0]: cannot import "./plugins/keyword-flag.ts"');
    expect(result.config).toContain('run with `node --import tsx`');
  });

  it('typechecks against the shipped declarations, and runs the plugin’s own test', async () => {
    await run('npm', ['run', 'typecheck']);
    const { stdout } = await run('npm', ['test']);
    expect(stdout).toMatch(/# pass 3\n# fail 0/);
  }, 90_000);

  it.each([[['--engine-only']], [[]]])(
    'npx wmflow replay %j runs the TypeScript plugin rule',
    async (mode) => {
      const { stdout } = await run('npx', ['wmflow', 'replay', 'mail/invoice.mime', '--config', 'rules.json', '--out-dir', 'out', '--json', ...mode], {
        NODE_OPTIONS: '--import tsx',
      });
      const { results } = JSON.parse(stdout);
      expect(results[0].status).toBe('updated');
      expect(results[0].rules.map((r: { name: string; status: string }) => `${r.name}:${r.status}`)).toEqual(['tag-external:applied', 'flag-invoices:applied']);
      expect(readFileSync(path.join(app, 'out/invoice.mime'), 'utf8')).toMatch(/\r\nX-Keyword-Flag: invoice\r\n/);
    },
    60_000,
  );

  it('synthesises the CDK app offline, the plugin bundled into the function', async () => {
    await synth;
    const template = JSON.parse(readFileSync(path.join(app, 'cdk.out/MailRules.template.json'), 'utf8'));
    const fn = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, string> } } }>,
    ).find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties.Environment.Variables.WMFLOW_RULES_FILE).toBe('rules.json');
    const asset = path.join(app, 'cdk.out', `asset.${path.basename(fn.Properties.Code.S3Key, '.zip')}`);
    expect(readFileSync(path.join(asset, 'index.mjs'), 'utf8')).toContain('X-Keyword-Flag');
    expect(readFileSync(path.join(asset, 'rules.json'), 'utf8')).toBe(readFileSync(path.join(app, 'rules.json'), 'utf8'));
  }, 90_000);
});
