import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import { findReaderBodies, getText, parseMessage } from '../../lib/mime/index.js';
import type { MessageFlowEvent } from '../../lib/workmail/event.js';
import { mail } from '../support/samples.js';

let emu: Emulator;
let handler: (event: unknown, context?: { getRemainingTimeInMillis(): number; awsRequestId: string }) => Promise<unknown>;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startEmulator({ versionedBucket: true, lambda: (event, context) => handler(event, context) });
  const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-e2e-'));
  const rules = path.join(dir, 'rules.json');
  writeFileSync(
    rules,
    JSON.stringify({
      orgDomains: ['example.com'],
      rules: [
        { type: 'subject-tag', tag: '[EXTERNAL]', when: { direction: 'INBOUND', senderIs: 'external' } },
        { type: 'disclaimer', text: 'This message came from outside the organisation.', when: { direction: 'INBOUND', senderIs: 'external' } },
        {
          type: 'redact',
          detectors: ['payment-card'],
          when: { direction: 'OUTBOUND' },
          onFind: { action: 'BOUNCE', bounceMessage: 'Card numbers may not be sent.' },
        },
      ],
    }),
  );
  // The handler reads its settings and creates its SDK clients at import, as in Lambda.
  Object.assign(process.env, emu.env, { WMFLOW_RULES_FILE: rules, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  vi.resetModules();
  handler = (await import('../../handlers/message-flow.js')).handler as typeof handler;
});

afterAll(async () => {
  process.env = saved;
  await emu.close();
});

const inbound = mail([
  'From: Partner <p@partner.org>',
  'To: user@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@partner.org>',
  'Subject: Quarterly numbers',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Here they are.',
  '',
]);

describe('the handler end to end, real SDK clients against the local WorkMail', () => {
  it('tags and disclaims an external inbound message and WorkMail delivers the update', async () => {
    const outcome = await emu.deliver({ bytes: inbound, direction: 'INBOUND', mailFrom: 'p@partner.org', recipients: ['user@example.com'] });
    expect(outcome.lambdaInvocations).toBe(1);
    expect(outcome.usedFallback).toBe(false);
    expect(outcome.updated).toBe(true);
    expect(outcome.recipients).toEqual([{ address: 'user@example.com', disposition: 'inbox', rule: 'wmflow-inbound' }]);
    const m = await parseMessage(outcome.finalMessage);
    expect(m.headers.getDecoded('subject')).toEqual(['[EXTERNAL] Quarterly numbers']);
    expect(getText(findReaderBodies(m).text!)).toBe('Here they are.\r\n\r\nThis message came from outside the organisation.\r\n');
    // The object is in the emulated bucket under a key WorkMail accepts.
    const keys = [...emu.s3!.buckets.get(emu.bucket)!.objects.keys()];
    expect(keys).toContain(`updated/${outcome.messageId}/${outcome.event!.invocationId}`);
  });

  it('leaves internal mail alone: no upload, no update', async () => {
    const before = emu.s3!.buckets.get(emu.bucket)!.objects.size;
    const internal = Buffer.from(inbound.toString().replace('Partner <p@partner.org>', 'Colleague <c@example.com>'));
    const outcome = await emu.deliver({ bytes: internal, direction: 'INBOUND', mailFrom: 'c@example.com', recipients: ['user@example.com'] });
    expect(outcome.updated).toBe(false);
    expect(outcome.finalMessage.equals(internal)).toBe(true);
    expect(emu.s3!.buckets.get(emu.bucket)!.objects.size).toBe(before);
  });

  it('bounces outbound card numbers and redacts the copy', async () => {
    const outbound = Buffer.from(inbound.toString().replace('Here they are.', 'Card 4111 1111 1111 1111'));
    const outcome = await emu.deliver({ bytes: outbound, direction: 'OUTBOUND', mailFrom: 'user@example.com', recipients: ['p@partner.org', 'q@partner.org'] });
    expect(outcome.recipients.map((r) => [r.address, r.disposition, r.bounceMessage])).toEqual([
      ['p@partner.org', 'bounced', 'Card numbers may not be sent.'],
      ['q@partner.org', 'bounced', 'Card numbers may not be sent.'],
    ]);
  });

  it('retries throttled Message Flow calls over real HTTP', async () => {
    emu.store.injectFaults('ThrottlingException', 'ServiceUnavailable');
    const outcome = await emu.deliver({ bytes: inbound, direction: 'INBOUND', mailFrom: 'p@partner.org', recipients: ['user@example.com'] });
    expect(outcome.updated).toBe(true);
  });

  it('delivers the original with DEFAULT when WorkMail refuses the update (MessageFrozen)', async () => {
    const outcome = await emu.deliver({ bytes: inbound, direction: 'INBOUND', mailFrom: 'p@partner.org', recipients: ['user@example.com'], redirected: true });
    expect(outcome.updated).toBe(false);
    expect(outcome.finalMessage.equals(inbound)).toBe(true);
    expect(outcome.recipients[0]!.disposition).toBe('inbox');
    expect(outcome.response).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });

  it('answers DEFAULT to a malformed event instead of failing', async () => {
    const response = await handler({ summaryVersion: '2018-10-10' } as unknown as MessageFlowEvent);
    expect(response).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });
});
