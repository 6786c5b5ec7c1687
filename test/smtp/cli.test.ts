import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processMessage } from '../../lib/core/index.js';
import { filter, FILTER_EXIT } from '../../lib/cli/filter.js';
import { loadRulesFile, type RulesConfig } from '../../lib/rules/index.js';
import { DEFAULT_JUNK_HEADER, SMTP_PLATFORM } from '../../lib/smtp/index.js';
import { mail, sample, SAMPLES_DIR } from '../support/samples.js';
import { WMFLOW_BIN } from '../support/cli.js';
import { RawClient, send, startSink, type Sink } from './support.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = WMFLOW_BIN;
const sampleRules = path.join(SAMPLES_DIR, 'rules.json');

/** Runs `wmflow` with bytes on stdin; stdout kept as bytes. */
function wmflow(args: string[], stdin: Buffer = Buffer.alloc(0)): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.end(stdin);
  });
}

const tmp = mkdtempSync(path.join(tmpdir(), 'wmflow-filter-'));
const rulesFile = (json: unknown) => {
  const file = path.join(tmp, `rules-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
};

describe('wmflow filter: stdin → stdout with sysexits codes', () => {
  it('delivers: exit 0, stdout = the engine run directly on the same input', async () => {
    const input = sample('plain-ascii.eml');
    const r = await wmflow(['filter', '--config', sampleRules, '--from', 'partner@partner.example.org', '--to', 'user@example.com'], input);
    expect(r.code).toBe(0);
    const config = loadRulesFile(sampleRules, { platform: SMTP_PLATFORM });
    const oracle = await processMessage({
      bytes: input,
      envelope: { direction: 'INBOUND', mailFrom: 'partner@partner.example.org', recipients: ['user@example.com'] },
      rules: config.rules,
      orgDomains: config.orgDomains,
      platform: SMTP_PLATFORM,
    });
    expect(r.stdout.equals(oracle.bytes)).toBe(true);
    expect((await simpleParser(r.stdout)).subject).toBe('[EXTERNAL] Lunch on Thursday?');
  });

  it('no rule applies: stdout byte-identical to stdin', async () => {
    const input = sample('smime-signed.eml');
    const r = await wmflow(['filter', '--config', rulesFile({ rules: [] }), '--from', 'a@partner.org', '--to', 'b@example.com'], input);
    expect(r.code).toBe(0);
    expect(r.stdout.equals(input)).toBe(true);
  });

  it('bounce: exit 77 (EX_NOPERM), the bounce text on stderr, nothing on stdout', async () => {
    const r = await wmflow(['filter', '--config', sampleRules, '--from', 'me@example.com', '--to', 'b@partner.org'], sample('dlp-sensitive-data.eml'));
    expect(r.code).toBe(77);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain('Your message was blocked because it contains payment card numbers');
  });

  it('drop: exit 0 and nothing on stdout', async () => {
    const config = rulesFile({ rules: [{ type: 'action', action: 'DROP' }] });
    const r = await wmflow(['filter', '--config', config, '--from', 'a@partner.org', '--to', 'b@example.com,c@example.com'], sample('plain-ascii.eml'));
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain('dropped for b@example.com');
  });

  it('junk: the configured header is added, nothing else changes', async () => {
    const input = mail(['From: a@partner.org', 'Subject: x', '', 'body', '']);
    const config = rulesFile({ rules: [{ type: 'action', action: 'MOVE_TO_JUNK' }] });
    const r = await wmflow(['filter', '--config', config, '--from', 'a@partner.org', '--to', 'b@example.com', '--junk-header', 'X-Junk: yes please'], input);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('From: a@partner.org\r\nSubject: x\r\nX-Junk: yes please\r\n\r\nbody\r\n');
  });

  it('bad usage or config: exit 2', async () => {
    expect((await wmflow(['filter', '--config', tmp, '--from', 'a@x.org', '--to', 'b@y.org'])).code).toBe(2);
    expect((await wmflow(['filter', '--config', sampleRules, '--to', 'b@y.org'])).code).toBe(2);
    expect((await wmflow(['filter', '--config', sampleRules, '--from', 'a@x.org', '--to', 'b@y.org', '--on-error', 'maybe'])).code).toBe(2);
    const junk = await wmflow(['filter', '--config', sampleRules, '--from', 'a@x.org', '--to', 'b@y.org', '--junk-header', 'Content-Type: x']);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain('--junk-header');
  });

  it('our own error: 75 (EX_TEMPFAIL) with --on-error tempfail, the original with --on-error pass', async () => {
    // No JSON config makes the core step throw, so this runs the command's function in-process.
    const broken = { orgDomains: [], rules: null } as unknown as RulesConfig;
    const input = sample('plain-ascii.eml');
    const base = {
      config: broken,
      from: 'a@partner.org',
      to: ['b@example.com'],
      orgDomains: [],
      junkHeader: DEFAULT_JUNK_HEADER,
      partialBounce: 'relay' as const,
    };
    const errors: string[] = [];
    const out1 = new PassThrough();
    expect(await filter({ ...base, onError: 'tempfail' }, Readable.from([input]), out1, (l) => errors.push(l))).toBe(FILTER_EXIT.TEMPFAIL);
    expect(out1.read()).toBeNull();
    expect(errors[0]).toMatch(/could not process the message/);
    const out2 = new PassThrough();
    expect(await filter({ ...base, onError: 'pass' }, Readable.from([input]), out2, () => undefined)).toBe(0);
    expect((out2.read() as Buffer).equals(input)).toBe(true);
  });
});

describe('wmflow smtp as a process', () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.close());

  it('listens, relays with the rules, and on SIGTERM finishes and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'smtp', '--config', sampleRules, '--listen', '127.0.0.1:0', '--relay', `127.0.0.1:${sink.port}`, '--max-clients', '5'],
      { cwd: root },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const r = await send(port, 'partner@partner.example.org', ['user@example.com'], sample('plain-ascii.eml'));
    expect(r.ok).toBe(true);
    expect((await simpleParser(sink.messages.at(-1)!.bytes)).subject).toBe('[EXTERNAL] Lunch on Thursday?');
    const event = JSON.parse(stderr.trim().split('\n').at(-1)!);
    expect(event).toMatchObject({ type: 'message', status: 'updated', direction: 'INBOUND', reply: { code: 250 } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(RawClient.open(port)).rejects.toThrow();
  });

  it('bad options: exit 2 with one message', async () => {
    const r = await wmflow(['smtp', '--config', sampleRules, '--relay', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--relay must be HOST:PORT');
  });
});
