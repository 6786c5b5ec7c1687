import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetRawMessageContentCommand, WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';
import { describe, expect, it } from 'vitest';
import { ROOT as root, WMFLOW_BIN } from '../support/cli.js';
import { SAMPLES_DIR } from '../support/samples.js';

describe('wmflow emulate', () => {
  it('serves a folder of messages by file name to the real SDK, prints how to connect, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [WMFLOW_BIN, 'emulate', '--messages', SAMPLES_DIR], { cwd: root });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${stdout}`)), 20_000);
        child.stdout.on('data', () => {
          if (!stdout.includes('Press Ctrl+C')) return;
          clearTimeout(timer);
          resolve();
        });
      });
      const endpoint = /Message Flow API: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
      expect(stdout).toMatch(/export AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW=http:\/\/127\.0\.0\.1:\d+/);
      expect(stdout).toContain('plain-ascii');
      expect(stdout).toMatch(/aws workmailmessageflow get-raw-message-content --message-id \S+ --endpoint-url http/);
      const client = new WorkMailMessageFlowClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
      const out = await client.send(new GetRawMessageContentCommand({ messageId: 'iso-2022-jp' }));
      expect(Buffer.from(await out.messageContent!.transformToByteArray()).equals(readFileSync(path.join(SAMPLES_DIR, 'iso-2022-jp.eml')))).toBe(true);
      client.destroy();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
