import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import { simpleParser } from 'mailparser';
import { parseMessage } from '../../lib/mime/index.js';
import { ON_DEMAND_PACKAGES } from '../../lib/on-demand.js';
import { PROJECT_ROOT } from '../../infra/processor-props.js';
import { WmflowStack } from '../../infra/wmflow-stack.js';
import { sample } from '../support/samples.js';
import { ENV, ORG, removeTempDirs, writeRulesFile } from './fixtures.js';

let outdir: string;
let rulesFile: string;
/** The deployed function's code and environment, as CloudFormation would get them. */
let runtimeSdk: { dir: string; environment: Record<string, unknown> };
let bundledSdk: { dir: string; environment: Record<string, unknown> };
let emu: Emulator | undefined;
const savedEnv = { ...process.env };

/** The asset directory holding the stack's function code. */
function functionAsset(stack: WmflowStack): string {
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: { S3Key: string } } };
  // The code's S3 key is `<asset hash>.zip`; the staged directory is `asset.<asset hash>`.
  return path.join(outdir, `asset.${path.basename(fn.Properties.Code.S3Key, '.zip')}`);
}

beforeAll(() => {
  // Inside the project, so the bundle resolves the external AWS SDK from node_modules as the
  // Lambda runtime resolves its own.
  mkdirSync(path.join(PROJECT_ROOT, 'cdk.out'), { recursive: true });
  outdir = mkdtempSync(path.join(PROJECT_ROOT, 'cdk.out', 'test-'));
  rulesFile = writeRulesFile();
  const app = new App({ outdir });
  const runtime = new WmflowStack(app, 'RuntimeSdk', { env: ENV, processor: { organizationId: ORG, rulesFile, bundleAwsSdk: false, sourceMaps: true } });
  const bundled = new WmflowStack(app, 'BundledSdk', { env: ENV, processor: { organizationId: ORG, rulesFile } });
  app.synth();
  const env = (stack: WmflowStack) =>
    (
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;
  runtimeSdk = { dir: functionAsset(runtime), environment: env(runtime) };
  bundledSdk = { dir: functionAsset(bundled), environment: env(bundled) };
});

afterAll(async () => {
  process.env = savedEnv;
  await emu?.close();
  rmSync(outdir, { recursive: true, force: true });
  removeTempDirs();
});

describe('the deployed artifact', () => {
  it('is by default one minified ESM file under 1 MB, the rules file and the on-demand packages, no source map', () => {
    expect(readdirSync(bundledSdk.dir).sort()).toEqual(['index.mjs', 'node_modules', 'rules.json']);
    expect(statSync(path.join(bundledSdk.dir, 'index.mjs')).size).toBeLessThan(1024 * 1024);
    expect(readFileSync(path.join(bundledSdk.dir, 'rules.json'), 'utf8')).toBe(readFileSync(rulesFile, 'utf8'));
    const code = readFileSync(path.join(bundledSdk.dir, 'index.mjs'), 'utf8');
    // CommonJS dependencies need require() inside the ESM bundle.
    expect(code.startsWith("import { createRequire as __wmflowCreateRequire } from 'node:module';")).toBe(true);
    expect(code).not.toMatch(/sourceMappingURL/);
    expect(bundledSdk.environment.NODE_OPTIONS).toBeUndefined();
  });

  it('ships the packages it loads on demand beside the bundle, and leaves them out of it', () => {
    const code = readFileSync(path.join(bundledSdk.dir, 'index.mjs'), 'utf8');
    for (const name of ON_DEMAND_PACKAGES) {
      const manifest = JSON.parse(readFileSync(path.join(bundledSdk.dir, 'node_modules', name, 'package.json'), 'utf8'));
      expect(manifest.name).toBe(name);
    }
    // What they depend on comes too (file-type's tokenizer, iconv-lite's safer-buffer).
    expect(existsSync(path.join(bundledSdk.dir, 'node_modules/strtok3/package.json'))).toBe(true);
    expect(existsSync(path.join(bundledSdk.dir, 'node_modules/safer-buffer/package.json'))).toBe(true);
    // Markers of their code (iconv-lite's and re2js's error texts, a type file-type detects): not in the bundle.
    expect(code).not.toContain('Encoding not recognized');
    expect(code).not.toContain('missing argument to repetition operator');
    expect(code).not.toContain('application/x-apple-diskimage');
  });

  it('fails its cold start, naming them, when shipped without the packages it loads on demand', async () => {
    const taskRoot = mkdtempSync(path.join(os.tmpdir(), 'wmflow-task-'));
    for (const f of ['index.mjs', 'rules.json']) cpSync(path.join(bundledSdk.dir, f), path.join(taskRoot, f));
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(path.join(taskRoot, 'index.mjs')).href)})`],
      {
        env: {
          PATH: process.env.PATH,
          ...(bundledSdk.environment as Record<string, string>),
          WMFLOW_BUCKET: 'wmflow-test',
          LAMBDA_TASK_ROOT: taskRoot,
          AWS_REGION: 'eu-west-1',
          POWERTOOLS_METRICS_DISABLED: 'true',
        },
        encoding: 'utf8',
      },
    );
    rmSync(taskRoot, { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ON_DEMAND_MISSING');
    expect(r.stderr).toContain('iconv-lite, encoding-japanese, re2js, file-type are loaded on demand and cannot be found');
  });

  it('ships source maps with --enable-source-maps when asked', () => {
    expect(readdirSync(runtimeSdk.dir).sort()).toEqual(['index.mjs', 'index.mjs.map', 'node_modules', 'rules.json']);
    expect(readFileSync(path.join(runtimeSdk.dir, 'index.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(runtimeSdk.environment.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('bundles the AWS SDK by default, and takes the Lambda runtime’s only when asked', () => {
    const runtimeCode = readFileSync(path.join(runtimeSdk.dir, 'index.mjs'), 'utf8');
    expect(runtimeCode).toMatch(/from\s*"@aws-sdk\/client-s3"/);
    expect(runtimeCode).toMatch(/from\s*"@aws-sdk\/client-workmailmessageflow"/);
    const bundledCode = readFileSync(path.join(bundledSdk.dir, 'index.mjs'), 'utf8');
    expect(bundledCode).not.toMatch(/from\s*"@aws-sdk\//);
    expect(bundledCode.length).toBeGreaterThan(runtimeCode.length);
    expect(existsSync(path.join(bundledSdk.dir, 'rules.json'))).toBe(true);
  });

  it('handles a message end to end through the local WorkMail, configured only by the template’s environment, from a folder outside the project holding only the artifact', async () => {
    // The default artifact must need nothing beside itself: run it from outside the project.
    const taskRoot = mkdtempSync(path.join(os.tmpdir(), 'wmflow-task-'));
    cpSync(bundledSdk.dir, taskRoot, { recursive: true });
    emu = await startEmulator({
      versionedBucket: true,
      lambda: async (event, context) => (await import(pathToFileURL(path.join(taskRoot, 'index.mjs')).href)).handler(event, context),
    });
    const fromTemplate = Object.fromEntries(Object.entries(bundledSdk.environment).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    // The bucket is a deploy-time reference; the emulator's stands in for it. Code root = the asset, as /var/task on Lambda.
    Object.assign(process.env, fromTemplate, emu.env, { LAMBDA_TASK_ROOT: taskRoot, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
    expect(fromTemplate.WMFLOW_RULES_FILE).toBe('rules.json');
    const outcome = await emu.deliver({
      bytes: sample('plain-ascii.eml'),
      direction: 'INBOUND',
      mailFrom: 'partner@partner.example.org',
      recipients: ['user@example.com'],
    });
    expect(outcome.lambdaInvocations).toBe(1);
    expect(outcome.usedFallback).toBe(false);
    expect(outcome.updated).toBe(true);
    expect((await parseMessage(outcome.finalMessage)).headers.getDecoded('subject')).toEqual(['[EXTERNAL] Lunch on Thursday?']);

    // An ISO-2022-JP subject needs the charset tables the bundle loads on demand from its own node_modules.
    const jp = sample('iso-2022-jp.eml');
    const tagged = await emu.deliver({ bytes: jp, direction: 'INBOUND', mailFrom: 'tanaka@partner.example.jp', recipients: ['user@example.com'] });
    expect(tagged.usedFallback).toBe(false);
    expect(tagged.updated).toBe(true);
    const original = (await simpleParser(jp)).subject!;
    expect(original).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect((await simpleParser(tagged.finalMessage)).subject).toBe(`[EXTERNAL] ${original}`);
  });
});
