import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DIST = path.resolve(import.meta.dirname, '../../dist/lib');
// The compiled loader and the error base class, alone in a folder no node_modules is above.
const dir = mkdtempSync(path.join(os.tmpdir(), 'wmflow-on-demand-'));
for (const f of ['on-demand.js', 'errors.js']) cpSync(path.join(DIST, f), path.join(dir, f));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(code: string): { status: number | null; stdout: string } {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'on-demand.js')).href)}); ${code}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { status: r.status, stdout: r.stdout.trim() };
}

describe('on-demand packages that cannot be found', () => {
  it('loading one raises ON_DEMAND_MISSING naming it and what to do', () => {
    const r = run(
      `try { m.loadOnDemand('iconv-lite'); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, name: e.name, message: e.message })); }`,
    );
    expect(r.status).toBe(0);
    const err = JSON.parse(r.stdout);
    expect(err.code).toBe('ON_DEMAND_MISSING');
    expect(err.name).toBe('OnDemandPackageError');
    expect(err.message).toMatch(/^iconv-lite is loaded on demand and cannot be found from .*wmflow-on-demand-/);
    expect(err.message).toContain('bundling.nodeModules: ON_DEMAND_PACKAGES');
  });

  it('the start-up check names every missing one at once', () => {
    const r = run(`try { m.assertOnDemandPackages(); console.log('ok'); } catch (e) { console.log(e.code + ': ' + e.message); }`);
    expect(r.stdout).toMatch(/^ON_DEMAND_MISSING: iconv-lite, encoding-japanese, re2js, file-type are loaded on demand/);
  });

  it('from the installed package both find them', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(path.join(DIST, 'on-demand.js')).href)}); m.assertOnDemandPackages(); console.log(typeof m.loadOnDemand('re2js').RE2JS);`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('function');
  });
});
