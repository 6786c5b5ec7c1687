import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import { parseMessage } from '../../lib/mime/index.js';
import { WmflowStack } from '../../infra/wmflow-stack.js';
import { sample } from '../support/samples.js';

const root = path.resolve(import.meta.dirname, '../..');
let assetDir: string;
let emu: Emulator;
const saved = { ...process.env };

beforeAll(async () => {
  // Inside the project, so the bundle resolves the externalised AWS SDK as the Lambda runtime would.
  mkdirSync(path.join(root, 'cdk.out'), { recursive: true });
  const outdir = mkdtempSync(path.join(root, 'cdk.out', 'test-'));
  const app = new App({ outdir });
  new WmflowStack(app, 'Bundle', { env: { region: 'us-east-1', account: '123456789012' }, processor: { organizationId: 'm-0123456789abcdef0123456789abcdef', rulesFile: path.join(root, 'samples/rules.json') } });
  const dir = app.synth().directory;
  assetDir = readdirSync(dir).map((d) => path.join(dir, d)).find((d) => existsSync(path.join(d, 'index.mjs')))!;
  emu = await startEmulator({ lambda: async (event, context) => (await import(pathToFileURL(path.join(assetDir, 'index.mjs')).href)).handler(event, context) });
});

afterAll(async () => {
  process.env = saved;
  await emu.close();
});

describe('the deployed artifact', () => {
  it('is a minified ESM bundle with source map and the rules file, under 2 MB', () => {
    const size = statSync(path.join(assetDir, 'index.mjs')).size;
    expect(size).toBeLessThan(2 * 1024 * 1024);
    expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(existsSync(path.join(assetDir, 'rules.json'))).toBe(true);
  });

  it('handles a message end to end through the local WorkMail', async () => {
    Object.assign(process.env, emu.env, { LAMBDA_TASK_ROOT: assetDir, WMFLOW_RULES_FILE: 'rules.json', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
    const outcome = await emu.deliver({ bytes: sample('plain-ascii.eml'), direction: 'INBOUND', mailFrom: 'partner@partner.example.org', recipients: ['user@example.com'] });
    expect(outcome.lambdaInvocations).toBe(1);
    expect(outcome.updated).toBe(true);
    expect((await parseMessage(outcome.finalMessage)).headers.getDecoded('subject')).toEqual(['[EXTERNAL] Lunch on Thursday?']);
  });
});
