import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import { ConfigError } from '../../lib/rules/index.js';
import { PROJECT_ROOT } from '../../infra/processor-props.js';
import { WmflowStack } from '../../infra/wmflow-stack.js';
import { sample, SAMPLES_DIR } from '../support/samples.js';
import { ENV, NO_BUNDLING, ORG, removeTempDirs, writeRulesFile } from './fixtures.js';

let outdir: string;
let stack: WmflowStack;
let emu: Emulator | undefined;
const savedEnv = { ...process.env };

/** The staged function code of a synthesised stack. */
function functionAsset(s: WmflowStack): { dir: string; environment: Record<string, string> } {
  const fn = Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'))[0] as {
    Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } };
  };
  const environment = Object.fromEntries(Object.entries(fn.Properties.Environment.Variables).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { dir: path.join(outdir, `asset.${path.basename(fn.Properties.Code.S3Key, '.zip')}`), environment };
}

beforeAll(() => {
  mkdirSync(path.join(PROJECT_ROOT, 'cdk.out'), { recursive: true });
  outdir = mkdtempSync(path.join(PROJECT_ROOT, 'cdk.out', 'test-plugins-'));
  const app = new App({ outdir });
  stack = new WmflowStack(app, 'WithPlugin', { env: ENV, processor: { organizationId: ORG, rulesFile: path.join(SAMPLES_DIR, 'rules-with-plugin.json') } });
  app.synth();
});

afterAll(async () => {
  process.env = savedEnv;
  await emu?.close();
  rmSync(outdir, { recursive: true, force: true });
  removeTempDirs();
});

describe('the construct with a rules file that lists a plugin', () => {
  it('bundles the TypeScript plugin into the function code', () => {
    const { dir } = functionAsset(stack);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code).toContain('block-executables');
    expect(readFileSync(path.join(dir, 'rules.json'), 'utf8')).toBe(readFileSync(path.join(SAMPLES_DIR, 'rules-with-plugin.json'), 'utf8'));
  });

  it('says when the plugin’s options could not be checked at synth (a .ts plugin outside tsx)', () => {
    // Under vitest Node's own require cannot load TypeScript; the Lambda validates at cold start.
    Annotations.fromStack(stack).hasWarning('/WithPlugin/Processor', Match.stringLikeRegexp('validated at cold start.*block-executables\\.ts'));
  });

  it('runs the plugin rule in the bundle, through the local WorkMail', async () => {
    const { dir, environment } = functionAsset(stack);
    emu = await startEmulator({ lambda: async (event, context) => (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)).handler(event, context) });
    delete environment.NODE_OPTIONS;
    Object.assign(process.env, environment, emu.env, { LAMBDA_TASK_ROOT: dir, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
    const outcome = await emu.deliver({
      bytes: sample('outbound-exe-attachment.eml'),
      direction: 'OUTBOUND',
      mailFrom: 'alice@example.com',
      recipients: ['friend@partner.example.org'],
    });
    expect(outcome.usedFallback).toBe(false);
    expect(outcome.recipients).toEqual([
      expect.objectContaining({
        address: 'friend@partner.example.org',
        disposition: 'bounced',
        bounceMessage: 'Executable attachments may not be sent outside Example Corp.',
      }),
    ]);
  });

  it('fails synth naming a plugin that cannot be resolved', () => {
    const rulesFile = writeRulesFile({ plugins: ['./missing-plugin.js'], rules: [] });
    const build = () => new WmflowStack(new App({ context: NO_BUNDLING }), 'Missing', { env: ENV, processor: { organizationId: ORG, rulesFile } });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/plugins\[0\]: cannot resolve plugin "\.\/missing-plugin\.js"/);
  });

  it('validates a JavaScript plugin’s rule options at synth', () => {
    const rulesFile = writeRulesFile({ plugins: [path.join(PROJECT_ROOT, 'test/infra/plain-plugin.mjs')], rules: [{ type: 'plain', colour: 'red' }] });
    const build = () => new WmflowStack(new App({ context: NO_BUNDLING }), 'BadOptions', { env: ENV, processor: { organizationId: ORG, rulesFile } });
    expect(build).toThrow(/rules\[0\]: unknown option "colour"/);
  });
});
