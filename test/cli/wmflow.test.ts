import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/index.js';
import { ROOT as root, WMFLOW_BIN as bin } from '../support/cli.js';
import { SAMPLES_DIR, emlFiles } from '../support/samples.js';

const run = promisify(execFile);
const config = path.join(SAMPLES_DIR, 'rules.json');

async function wmflow(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'wmflow-cli-'));

describe('wmflow replay', () => {
  it('replays every sample through the emulator and writes every message, unchanged ones byte-identical', async () => {
    const out = tmp();
    const r = await wmflow(['replay', SAMPLES_DIR, '--config', config, '--out-dir', out, '--json']);
    expect(r.code).toBe(0);
    const { results, summary } = JSON.parse(r.stdout);
    expect(summary.messages).toBe(emlFiles(SAMPLES_DIR).length);
    expect(summary.errors).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      emlFiles(SAMPLES_DIR)
        .map((f) => path.basename(f))
        .sort(),
    );
    for (const res of results) {
      const input = readFileSync(res.file);
      const output = readFileSync(res.output);
      if (res.status !== 'updated') expect(output.equals(input)).toBe(true);
    }
    const dlp = results.find((x: { file: string }) => x.file.endsWith('dlp-sensitive-data.eml'));
    expect(dlp.direction).toBe('outbound');
    expect(dlp.recipients).toEqual([{ address: 'billing@vendor.example.net', disposition: 'bounced', bounceMessage: expect.stringMatching(/blocked/) }]);
    expect((await parseMessage(readFileSync(dlp.output))).headers.getDecoded('subject')).toEqual(['Payment details for **** **** **** 1111']);
    const skipped = results.find((x: { file: string }) => x.file.endsWith('missing-final-boundary.eml'));
    expect(skipped.status).toBe('update-skipped');
    expect(readFileSync(skipped.output).equals(readFileSync(skipped.file))).toBe(true);
  });

  it('prints rules, recipients and a readable diff; --engine-only writes the same outputs', async () => {
    const outA = tmp();
    const outB = tmp();
    const file = path.join(SAMPLES_DIR, 'plain-ascii.eml');
    const a = await wmflow(['replay', file, '--config', config, '--out-dir', outA]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('rule tag-external: tagged subject with [EXTERNAL]');
    expect(a.stdout).toContain('user@example.com: inbox');
    expect(a.stdout).toContain('+ Subject: [EXTERNAL] Lunch on Thursday?');
    const b = await wmflow(['replay', file, '--config', config, '--out-dir', outB, '--engine-only']);
    expect(b.code).toBe(0);
    expect(readFileSync(path.join(outA, 'plain-ascii.eml')).equals(readFileSync(path.join(outB, 'plain-ascii.eml')))).toBe(true);
  });

  it('keeps going past a message over the parser limits, delivering it unmodified in both modes', async () => {
    const dir = tmp();
    copyFileSync(path.join(SAMPLES_DIR, 'plain-ascii.eml'), path.join(dir, 'a-good.eml'));
    writeFileSync(
      path.join(dir, 'b-hostile.eml'),
      'Content-Type: multipart/mixed; boundary=a\r\n\r\n' +
        Array.from({ length: 80 }, (_, i) => `--a${i || ''}\r\nContent-Type: multipart/mixed; boundary=a${i + 1}\r\n\r\n`).join(''),
    );
    copyFileSync(path.join(SAMPLES_DIR, 'utf8-8bit.eml'), path.join(dir, 'c-good.eml'));
    for (const mode of [['--engine-only'], []]) {
      const out = tmp();
      const r = await wmflow(['replay', dir, '--config', config, '--out-dir', out, ...mode]);
      // Over a parser limit the message is not an error: it is delivered as WorkMail would,
      // unmodified, after header-level rules and their uninspectable policies.
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/b-hostile\.eml → \S+\s+\[inbound, uninspectable\]/);
      expect(r.stdout).toContain('multipart nesting deeper than 50 levels');
      expect(r.stdout).toMatch(/3 message\(s\): 2 updated, 0 unchanged, 0 update skipped, 1 uninspectable, 0 failed open, 0 error\(s\)/);
      expect(readFileSync(path.join(out, 'b-hostile.eml')).equals(readFileSync(path.join(dir, 'b-hostile.eml')))).toBe(true);
    }
  });
});

describe('wmflow check', () => {
  it('passes the sample rules over the samples except where WorkMail would reject, and says why', async () => {
    const r = await wmflow(['check', SAMPLES_DIR, '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL .*missing-final-boundary\.eml/m);
    expect(r.stdout).toMatch(/workmail: .*no closing boundary/);
    expect(r.stdout).toMatch(/^PASS .*dlp-sensitive-data\.eml/m);
    expect(r.stdout).toMatch(/^PASS .*long-lines\.eml/m);
    expect(r.stdout).not.toMatch(/idempotent:/);
    expect(r.stdout).not.toMatch(/attachments:/);
  });

  it('exits 0 when every message passes', async () => {
    const dir = tmp();
    for (const f of ['plain-ascii.eml', 'smime-signed.eml', 'newsletter-1mb.eml']) copyFileSync(path.join(SAMPLES_DIR, f), path.join(dir, f));
    const r = await wmflow(['check', dir, '--config', config, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({ messages: 3, changed: 3, passed: 3, failed: 0 });
  });
});

describe('wmflow validate', () => {
  it('reports what WorkMail would reject', async () => {
    const r = await wmflow(['validate', path.join(SAMPLES_DIR, 'long-lines.eml'), path.join(SAMPLES_DIR, 'plain-ascii.eml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^REJECT .*long-lines\.eml\n {2}error: 2 line\(s\) over 1000 octets/m);
    expect(r.stdout).toMatch(/^OK .*plain-ascii\.eml/m);
  });
});

describe('bad input', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['replay', 'samples'], /replay needs --config rules.json/],
    [['replay', 'no-such-dir', '--config', 'samples/rules.json'], /no-such-dir: no such file or folder/],
    [['replay', 'samples', '--config', 'samples/rules.json', '--direction', 'sideways'], /--direction must be inbound, outbound or auto/],
    [['replay', 'samples', '--config', 'samples/rules.json', '--bogus'], /Unknown option '--bogus'/],
    [['emulate', '--port', 'abc'], /--port must be a port number/],
  ])('%j: one clear message, exit 2', async (args, message) => {
    const r = await wmflow(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('names every problem of an invalid config', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'm'));
    const bad = path.join(dir, 'rules.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ type: 'redact', detectors: ['credit_card'] }, { type: 'disclamer' }] }));
    const r = await wmflow(['replay', SAMPLES_DIR, '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules[0].detectors[0]: unknown detector "credit_card" (did you mean "payment-card"?)');
    expect(r.stderr).toContain('rules[1].type: unknown rule type "disclamer" (did you mean "disclaimer"?)');
  });
});
