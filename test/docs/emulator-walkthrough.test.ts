/**
 * README's "The emulator from other languages" walk-through, run against `wmflow emulate`: the
 * AWS CLI steps done with the real AWS SDK (configured from the README's exports), and the block
 * itself with the AWS CLI when `aws` is on the PATH.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetRawMessageContentCommand, PutRawMessageContentCommand, WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, WMFLOW_BIN } from '../support/cli.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### The emulator from other languages'));
const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
// Joined continuation lines, without comments.
const lines = block
  .replace(/\\\n\s*/g, '')
  .split('\n')
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter(Boolean);

// Another port pair than the README's 4010/4011, so a running emulator or a parallel test does not collide.
const port = 20_000 + Math.floor(Math.random() * 20_000) * 2;
const ports = (text: string) => text.replaceAll('127.0.0.1:4010', `127.0.0.1:${port}`).replaceAll('127.0.0.1:4011', `127.0.0.1:${port + 1}`);
const env: Record<string, string> = Object.fromEntries(
  lines
    .filter((l) => l.startsWith('export '))
    .flatMap((l) =>
      l
        .slice('export '.length)
        .split(/\s+/)
        .map((kv) => kv.split('=', 2) as [string, string]),
    ),
);
for (const k of Object.keys(env)) env[k] = ports(env[k]!);

let emulator: ChildProcess;
let cwd: string;

async function body(stream: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<string> {
  return Buffer.from(await stream!.transformToByteArray()).toString('latin1');
}

beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'wmflow-walkthrough-'));
  emulator = spawn(process.execPath, [WMFLOW_BIN, 'emulate', '--port', String(port), '--messages', path.join(ROOT, 'samples')], { cwd: ROOT });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${stdout}`)), 20_000);
    emulator.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
});

afterAll(() => {
  emulator?.kill('SIGINT');
});

describe('README: the emulator from other languages', () => {
  it('exports what both AWS CLI versions need, and creates every file it uploads', () => {
    expect(env).toMatchObject({ AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    expect(env.AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW).toBe(`http://127.0.0.1:${port}`);
    expect(env.AWS_ENDPOINT_URL_S3).toBe(`http://127.0.0.1:${port + 1}`);
    const upload = lines.findIndex((l) => l.startsWith('aws s3 cp '));
    const uploaded = lines[upload]!.split(/\s+/)[3]!;
    expect(lines.slice(0, upload).some((l) => new RegExp(`>\\s*${uploaded.replace('.', '\\.')}$`).test(l))).toBe(true);
  });

  it('runs its steps with the real AWS SDK: get, edit, upload, put, and the message is updated', async () => {
    const region = env.AWS_DEFAULT_REGION!;
    const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
    const flow = new WorkMailMessageFlowClient({ endpoint: env.AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW!, region, credentials });
    const s3 = new S3Client({ endpoint: env.AWS_ENDPOINT_URL_S3!, region, credentials, forcePathStyle: true });
    try {
      for (const line of lines.filter((l) => !l.startsWith('export '))) {
        const words = line.split(/\s+/);
        if (line.startsWith('aws workmailmessageflow get-raw-message-content')) {
          const id = words[words.indexOf('--message-id') + 1]!;
          const content = await body((await flow.send(new GetRawMessageContentCommand({ messageId: id }))).messageContent);
          if (words[5] !== '/dev/stdout') writeFileSync(path.join(cwd, words[5]!), content, 'latin1');
        } else if (line.startsWith('aws s3 cp ')) {
          const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(words[4]!)!;
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(path.join(cwd, words[3]!)) }));
        } else if (line.startsWith('aws workmailmessageflow put-raw-message-content')) {
          const id = words[words.indexOf('--message-id') + 1]!;
          const content = JSON.parse(/--content '([^']+)'/.exec(line)![1]!);
          await flow.send(new PutRawMessageContentCommand({ messageId: id, content }));
        } else {
          execFileSync('sh', ['-c', line], { cwd }); // the shell step (sed), verbatim
        }
      }
      const updated = await body((await flow.send(new GetRawMessageContentCommand({ messageId: 'plain-ascii' }))).messageContent);
      expect(updated).toMatch(/^Subject: \[checked\] Lunch on Thursday\?\r?$/m);
      expect(readFileSync(path.join(cwd, 'original.eml'), 'latin1')).toBe(readFileSync(path.join(ROOT, 'samples/plain-ascii.eml'), 'latin1'));
    } finally {
      flow.destroy();
      s3.destroy();
    }
  });

  it('runs verbatim with the AWS CLI, when it is installed', () => {
    if (spawnSync('aws', ['--version']).error) {
      console.log('aws CLI not on PATH: the README walk-through ran with the AWS SDK only');
      return;
    }
    // Verbatim but for the ports and the message (plain-ascii was updated by the SDK run above).
    const script = ports(block).replaceAll('plain-ascii', 'text-attachment');
    expect(script).not.toContain('plain-ascii');
    const r = spawnSync('sh', ['-e', '-c', script], { cwd: mkdtempSync(path.join(tmpdir(), 'wmflow-walkthrough-cli-')), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Subject: \[checked\] /m);
  });
});
