import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, WMFLOW_BIN } from '../support/cli.js';
import { SAMPLES_DIR } from '../support/samples.js';

const run = promisify(execFile);
const config = path.join(SAMPLES_DIR, 'rules-with-plugin.json');
const exe = path.join(SAMPLES_DIR, 'outbound-exe-attachment.eml');
const plain = path.join(SAMPLES_DIR, 'plain-ascii.eml');

/** Runs the compiled command; `tsx` lets Node import the sample's TypeScript plugin, as README says. */
async function wmflow(args: string[], nodeArgs = ['--import', 'tsx']): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, WMFLOW_BIN, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a rules file with a plugin, in the CLI', () => {
  it.each([[['--engine-only']], [[]]])('replay %j applies the plugin rule type', async (mode) => {
    const out = mkdtempSync(path.join(tmpdir(), 'wmflow-plugin-'));
    const r = await wmflow(['replay', exe, plain, '--config', config, '--out-dir', out, '--json', ...mode]);
    expect(r.code, r.stderr).toBe(0);
    const { results } = JSON.parse(r.stdout);
    const blocked = results.find((x: { file: string }) => x.file === exe);
    expect(blocked.rules.find((x: { name: string }) => x.name === 'no-executables-out').status).toBe('applied');
    expect(blocked.recipients).toEqual([
      { address: 'friend@partner.example.org', disposition: 'bounced', bounceMessage: 'Executable attachments may not be sent outside Example Corp.' },
    ]);
    expect(readFileSync(path.join(out, 'plain-ascii.eml'), 'utf8')).toContain('[EXTERNAL] Lunch on Thursday?');
  });

  it('check runs the plugin rule', async () => {
    const r = await wmflow(['check', plain, '--config', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({ messages: 1, changed: 1, passed: 1, failed: 0 });
  });

  it('without a TypeScript loader, says how to run a .ts plugin (exit 2)', async () => {
    const r = await wmflow(['replay', plain, '--config', config, '--engine-only'], []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plugins[0]: cannot import "./custom-rules/block-executables.ts"');
    expect(r.stderr).toContain('precompile the plugin (tsc) or run with `node --import tsx`');
  });
});
