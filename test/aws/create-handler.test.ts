import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import type { LambdaFunction } from '../../lib/emulator/run-lambda.js';
import { SettingsError } from '../../lib/flow/settings.js';
import { createHandler } from '../../lib/lambda.js';
import { defineRule, defineRuleType, type RulesPlugin } from '../../lib/rules/index.js';
import { z } from 'zod';
import { sample } from '../support/samples.js';

const logger = new Logger({ logLevel: 'SILENT' });
let emu: Emulator;
let lambda: LambdaFunction;
const saved = { ...process.env };
beforeAll(async () => {
  emu = await startEmulator({ lambda: (event, context) => lambda(event, context) });
  // The SDK clients take endpoints and credentials from the environment, as in Lambda.
  Object.assign(process.env, emu.env);
});
afterAll(async () => {
  process.env = saved;
  await emu.close();
});

describe('createHandler (wmflow/lambda)', () => {
  it('rejects ready, and every invocation, on invalid settings', async () => {
    const handler = createHandler({ env: { WMFLOW_RULES_JSON: '{"rules":[]}' }, logger });
    await expect(handler.ready).rejects.toThrow(SettingsError);
    await expect(handler({})).rejects.toThrow(/WMFLOW_BUCKET is not set/);
  });

  it('runs a rules file’s plugin handed in by specifier, end to end through the local WorkMail', async () => {
    const stamp: RulesPlugin = {
      ruleTypes: {
        stamp: defineRuleType({
          schema: z.object({ type: z.literal('stamp') }),
          create: () =>
            defineRule({
              name: 'stamp',
              run(ctx) {
                ctx.message.headers.set('X-Stamped', 'yes');
              },
            }),
        }),
      },
    };
    const env = {
      ...emu.env,
      WMFLOW_RULES_JSON: JSON.stringify({ plugins: ['./bundled-stamp.js'], rules: [{ type: 'stamp' }] }),
      LAMBDA_TASK_ROOT: path.resolve(import.meta.dirname),
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const handler = createHandler({ env, logger, plugins: { './bundled-stamp.js': stamp } });
    await handler.ready;
    lambda = (event, context) => handler(event, context);
    const outcome = await emu.deliver({
      bytes: sample('plain-ascii.eml'),
      direction: 'INBOUND',
      mailFrom: 'a@partner.example.org',
      recipients: ['user@example.com'],
    });
    expect(outcome.lambdaInvocations).toBe(1);
    expect(outcome.updated).toBe(true);
    expect(outcome.finalMessage.toString('latin1')).toMatch(/\r\nX-Stamped: yes\r\n/);
  });
});
