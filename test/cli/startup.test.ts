import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, WMFLOW_BIN } from '../support/cli.js';
import { SAMPLES_DIR } from '../support/samples.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'wmflow-startup-'));
const support = (file: string) => path.join(ROOT, 'test/support', file);

/** CPU time (ms, user + system) of `node [args]`, measured by the process itself at exit; the least of `runs`. */
function cpuMs(args: string[], runs = 3): number {
  const times = Array.from({ length: runs }, () => {
    const file = path.join(tmp(), 'cpu');
    const r = spawnSync(process.execPath, ['--import', support('cpu-at-exit.mjs'), ...args], {
      env: { ...process.env, WMFLOW_TEST_CPU_FILE: file },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return Number(readFileSync(file, 'utf8')) / 1000;
  });
  return Math.min(...times);
}

/** Text only the Message Flow client's own code carries (its Smithy namespace), bundled or not. */
const SDK_MARKER = 'com.amazonaws.workmailmessageflow';

/**
 * The AWS SDK a `wmflow` run loaded: `@aws-sdk/*` packages it resolved, and the files of the
 * bundled CLI it loaded that carry the SDK inline.
 */
function sdkImports(args: string[]): { status: number | null; imports: string[]; cliFiles: number } {
  const log = path.join(tmp(), 'imports.log');
  const r = spawnSync(process.execPath, ['--import', support('record-aws-sdk.mjs'), WMFLOW_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, WMFLOW_TEST_IMPORT_LOG: log },
    encoding: 'utf8',
  });
  const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  const cliFiles = lines.filter((l) => l.startsWith('file:'));
  const withSdk = cliFiles.filter((url) => readFileSync(fileURLToPath(url), 'utf8').includes(SDK_MARKER));
  return { status: r.status, imports: [...lines.filter((l) => l.startsWith('@aws-sdk/')), ...withSdk], cliFiles: cliFiles.length };
}

describe('wmflow start-up', () => {
  it('answers --help within 150 ms of CPU over a bare node', () => {
    const bare = cpuMs(['-e', '0']);
    const help = cpuMs([WMFLOW_BIN, '--help']);
    expect(help - bare).toBeLessThan(150);
  });

  it('prints package.json’s version', () => {
    const r = spawnSync(process.execPath, [WMFLOW_BIN, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('never loads the AWS SDK for replay --engine-only, and does for the emulated replay', () => {
    const file = path.join(SAMPLES_DIR, 'plain-ascii.eml');
    const config = path.join(SAMPLES_DIR, 'rules.json');
    const engineOnly = sdkImports(['replay', file, '--config', config, '--out-dir', tmp(), '--engine-only']);
    expect(engineOnly.status).toBe(0);
    // The hook saw the CLI's files load, so an empty list means none of them carried the SDK.
    expect(engineOnly.cliFiles).toBeGreaterThan(2);
    expect(engineOnly.imports).toEqual([]);
    const emulated = sdkImports(['replay', file, '--config', config, '--out-dir', tmp()]);
    expect(emulated.status).toBe(0);
    expect(emulated.imports.length).toBeGreaterThan(0);
  });

  it('keeps the AWS SDK’s Node-version notice out of the output (its documented switch), which plain SDK use prints', () => {
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const plain = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "const { S3Client } = await import('@aws-sdk/client-s3'); new S3Client({ region: 'us-east-1' }).destroy();"],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    const nodeMajor = Number(process.versions.node.split('.')[0]);
    // The SDK warns only below Node 22: there the plain run is the control that the notice exists.
    if (nodeMajor < 22) expect(plain.stderr).toContain('NodeVersionSupportWarning');
    const r = spawnSync(
      process.execPath,
      [WMFLOW_BIN, 'replay', path.join(SAMPLES_DIR, 'plain-ascii.eml'), '--config', path.join(SAMPLES_DIR, 'rules.json'), '--out-dir', tmp()],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it.each([
    [['validate', 'x.eml', '--port', '9'], /validate: Unknown option '--port'/],
    [['validate', 'x.eml', '--engine-only'], /validate: Unknown option '--engine-only'/],
    [['emulate', '--config', 'rules.json'], /emulate: Unknown option '--config'/],
    [['check', 'samples', '--config', 'samples/rules.json', '--out-dir', 'x'], /check: Unknown option '--out-dir'/],
  ])('%j: an option of another command is refused in one line, exit 2', (args, message) => {
    const r = spawnSync(process.execPath, [WMFLOW_BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
