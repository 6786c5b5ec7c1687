import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetRawMessageContentCommand, PutRawMessageContentCommand, WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkippingClock } from '../../lib/emulator/clock.js';
import { deliver, type OrganisationOptions } from '../../lib/emulator/delivery.js';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import { EmulatorError } from '../../lib/emulator/errors.js';
import type { EmailFlowRule, FallbackAction } from '../../lib/emulator/flow-rules.js';
import { deliveredContent, MessageStore, readableContent } from '../../lib/emulator/message-store.js';
import type { LambdaFunction } from '../../lib/emulator/run-lambda.js';
import type { MessageFlowEvent } from '../../lib/workmail/event.js';
import { mail } from '../support/samples.js';
import { TEST_CREDENTIALS } from './support.js';

const msg = mail(['From: Boss <boss@partner.org>', 'Sender: assistant@partner.org', 'To: a@example.com', 'Subject: hello', '', 'hi', '']);
const lambdaRule = (direction: 'INBOUND' | 'OUTBOUND', fallback: FallbackAction): EmailFlowRule => ({
  name: `lambda-${direction.toLowerCase()}`,
  direction,
  senders: ['*'],
  action: 'RUN_LAMBDA',
  lambda: { fallback, ruleTimeoutMinutes: 1 },
});
const org = (lambda: LambdaFunction, fallback: FallbackAction = 'MOVE_TO_JUNK', extra: Partial<OrganisationOptions> = {}): OrganisationOptions => ({
  domains: ['example.com'],
  rules: [
    lambdaRule('INBOUND', fallback),
    lambdaRule('OUTBOUND', fallback === 'MOVE_TO_JUNK' ? 'DROP' : fallback),
    { name: 'drop-spammer', direction: 'INBOUND', senders: ['spammer.org'], action: 'DROP' },
  ],
  lambda,
  ...extra,
});
const inbound = { bytes: msg, direction: 'INBOUND' as const, mailFrom: 'boss@partner.org', recipients: ['a@example.com', 'b@example.com', 'c@example.com'] };
const outbound = { bytes: msg, direction: 'OUTBOUND' as const, mailFrom: 'a@example.com', recipients: ['x@partner.org', 'y@partner.org'] };
const summary = (out: Awaited<ReturnType<typeof deliver>>) =>
  out.recipients.map((r) => [r.address, r.disposition, ...(r.bounceMessage ? [r.bounceMessage] : []), ...(r.addedAsBcc ? ['bcc'] : [])]);

describe('delivery through the emulated organisation', () => {
  it('applies actions per recipient, the fallback to those left out, and adds organisation BCCs only', async () => {
    const lambda: LambdaFunction = async () => ({
      actions: [
        { action: { type: 'BOUNCE', parameters: { bounceMessage: 'no' } }, recipients: ['A@example.com'] },
        { action: { type: 'DEFAULT' }, recipients: ['b@example.com', 'audit@example.com', 'spy@elsewhere.org'] },
      ],
    });
    const out = await deliver(new MessageStore(), org(lambda), inbound);
    expect(summary(out)).toEqual([
      ['a@example.com', 'bounced', 'no'],
      ['b@example.com', 'inbox'],
      ['c@example.com', 'junk'],
      ['audit@example.com', 'inbox', 'bcc'],
    ]);
    expect(out.usedFallback).toBe(true);
    expect(out.lambdaInvocations).toBe(1);
    expect(out.notes).toEqual([
      'the response left out c@example.com and set no allRecipients action: fallback MOVE_TO_JUNK',
      "ignored added recipient spy@elsewhere.org: not in the organisation's domains",
    ]);
  });

  it('allRecipients covers everyone the other actions do not name', async () => {
    const lambda: LambdaFunction = async () => ({
      actions: [
        { action: { type: 'MOVE_TO_JUNK' }, allRecipients: true },
        { action: { type: 'DEFAULT' }, recipients: ['b@example.com'] },
      ],
    });
    const out = await deliver(new MessageStore(), org(lambda), inbound);
    expect(summary(out)).toEqual([
      ['a@example.com', 'junk'],
      ['b@example.com', 'inbox'],
      ['c@example.com', 'junk'],
    ]);
    expect(out.usedFallback).toBe(false);
  });

  it('a Lambda that throws is retried until the rule timeout, then the fallback applies to everyone', async () => {
    const clock = new SkippingClock();
    const ids = new Set<string>();
    const out = await deliver(
      new MessageStore(),
      org(
        async (e) => {
          ids.add(e.invocationId);
          throw new Error('downstream outage');
        },
        'BOUNCE',
        { clock },
      ),
      inbound,
    );
    expect(summary(out)).toEqual(inbound.recipients.map((r) => [r, 'bounced', 'Message could not be processed.']));
    expect([out.lambdaInvocations, out.usedFallback, out.response, ids.size]).toEqual([6, true, undefined, 1]);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(out.notes.at(0)).toBe('invocation 1 failed: the function failed: Error: downstream outage');
    expect(out.notes.at(-1)).toBe('rule timeout reached after 6 invocation(s): fallback BOUNCE for all recipients');
  });

  it('a Lambda slower than 15 seconds fails every time and gets the fallback', async () => {
    const clock = new SkippingClock({ frozen: true });
    const slow: LambdaFunction = async () => {
      await clock.sleep(15_001);
      return { actions: [{ action: { type: 'DROP' }, allRecipients: true }] };
    };
    const out = await deliver(new MessageStore(), org(slow, 'DEFAULT', { clock }), inbound);
    expect(out.recipients.every((r) => r.disposition === 'inbox')).toBe(true);
    expect(out.usedFallback).toBe(true);
    // 1-minute rule timeout: tries start at 0 s, 16 s (15 + 1), 33 s (+15 +2) and 52 s (+15 +4).
    expect(out.lambdaInvocations).toBe(4);
    expect(out.notes[0]).toBe("invocation 1 failed: answered after 15001 ms, over WorkMail's 15000 ms limit");
  });

  it('more than 10 unique actions: the rest get the fallback', async () => {
    const recipients = Array.from({ length: 12 }, (_, i) => `r${i}@example.com`);
    const lambda: LambdaFunction = async () => ({
      actions: recipients.map((r, i) => ({ action: { type: 'BOUNCE', parameters: { bounceMessage: `reason ${i}` } }, recipients: [r] })),
    });
    const out = await deliver(new MessageStore(), org(lambda, 'MOVE_TO_JUNK'), { ...inbound, recipients });
    expect(summary(out).slice(9)).toEqual([
      ['r9@example.com', 'bounced', 'reason 9'],
      ['r10@example.com', 'junk'],
      ['r11@example.com', 'junk'],
    ]);
    expect(out.usedFallback).toBe(true);
    expect(out.notes).toContain('2 action(s) past the tenth unique one were ignored; their recipients get the fallback MOVE_TO_JUNK');
  });

  it('an action type outbound mail does not have makes every invocation fail', async () => {
    const lambda: LambdaFunction = async () => ({ actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] });
    const out = await deliver(new MessageStore(), org(lambda, 'DROP'), outbound);
    expect(summary(out)).toEqual([
      ['x@partner.org', 'dropped'],
      ['y@partner.org', 'dropped'],
    ]);
    expect(out.lambdaInvocations).toBe(6);
    expect(out.notes[0]).toMatch(/invalid response: actions\[0\]: type "MOVE_TO_JUNK" is not allowed for outbound mail/);
  });

  it('outbound: any added recipient is a BCC; DROP and BOUNCE per recipient', async () => {
    const lambda: LambdaFunction = async () => ({
      actions: [
        { action: { type: 'DROP' }, recipients: ['x@partner.org'] },
        { action: { type: 'DEFAULT' }, allRecipients: true, recipients: ['archive@vault.example'] },
      ],
    });
    expect(summary(await deliver(new MessageStore(), org(lambda, 'DROP'), outbound))).toEqual([
      ['x@partner.org', 'dropped'],
      ['y@partner.org', 'inbox'],
      ['archive@vault.example', 'inbox', 'bcc'],
    ]);
  });

  it('a more specific rule decides without the Lambda; inbound mail for other domains is refused', async () => {
    let invoked = false;
    const spam = Buffer.from(msg.toString().replace('Sender: assistant@partner.org', 'Sender: bulk@spammer.org'));
    const out = await deliver(
      new MessageStore(),
      org(async () => {
        invoked = true;
        return { actions: [] };
      }),
      { ...inbound, bytes: spam, recipients: ['a@example.com', 'someone@gmail.example'] },
    );
    expect(invoked).toBe(false);
    expect(out.recipients).toEqual([{ address: 'a@example.com', disposition: 'dropped', rule: 'drop-spammer' }]);
    expect(out.notes).toEqual(["refused recipient someone@gmail.example: not in the organisation's domains (WorkMail does not relay inbound mail)"]);
  });

  it('an asynchronous Run Lambda rule delivers as DEFAULT whatever the function does', async () => {
    const store = new MessageStore();
    const async: EmailFlowRule = {
      name: 'metrics',
      direction: 'INBOUND',
      senders: ['*'],
      action: 'RUN_LAMBDA',
      lambda: { synchronous: false, fallback: 'DEFAULT', ruleTimeoutMinutes: 0 },
    };
    let seen: MessageFlowEvent | undefined;
    const out = await deliver(
      store,
      {
        domains: ['example.com'],
        rules: [async],
        lambda: async (e) => {
          seen = e;
          // An update from an asynchronous rule has no effect.
          if (store.get(e.messageId)!.acceptsUpdates) store.get(e.messageId)!.updated = Buffer.from('x');
          throw new Error('ignored');
        },
      },
      inbound,
    );
    expect(seen?.messageId).toBe(out.messageId);
    expect([out.updated, out.lambdaInvocations, out.event]).toEqual([false, 1, undefined]);
    expect(out.recipients.every((r) => r.disposition === 'inbox')).toBe(true);
  });

  it('refuses to run a Lambda rule with no Lambda, with a typed error', async () => {
    await expect(deliver(new MessageStore(), { domains: ['example.com'], rules: [lambdaRule('INBOUND', 'DEFAULT')] }, inbound)).rejects.toMatchObject({
      code: 'EMULATOR_NO_LAMBDA',
    });
    await expect(
      deliver(
        new MessageStore(),
        org(async () => ({ actions: [] })),
        { ...inbound, messageId: 'Bad.Id' },
      ),
    ).rejects.toBeInstanceOf(EmulatorError);
  });
});

describe('a Lambda using the real SDK clients against the emulator', () => {
  let emu: Emulator;
  let flow: WorkMailMessageFlowClient;
  let s3: S3Client;
  let behaviour: (event: MessageFlowEvent) => Promise<unknown>;
  beforeAll(async () => {
    emu = await startEmulator({
      validateContent: (_o, u) => (u.includes('FORBIDDEN') ? ['the content says FORBIDDEN'] : []),
      lambda: (event) => behaviour(event),
    });
    flow = new WorkMailMessageFlowClient({ region: emu.region, endpoint: emu.messageFlowEndpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    s3 = new S3Client({ region: emu.region, endpoint: emu.s3Endpoint, credentials: TEST_CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  });
  afterAll(async () => {
    flow.destroy();
    s3.destroy();
    await emu.close();
  });

  /** Reads the message, rewrites it, uploads it and asks WorkMail to use it. */
  const rewrite = async (event: MessageFlowEvent, edit: (text: string) => string) => {
    const raw = await (await flow.send(new GetRawMessageContentCommand({ messageId: event.messageId }))).messageContent!.transformToString('latin1');
    const key = `updated/${event.messageId}/${event.invocationId}`;
    const body = Buffer.from(edit(raw), 'latin1');
    await s3.send(new PutObjectCommand({ Bucket: emu.bucket, Key: key, Body: Readable.from([body]), ContentLength: body.length }));
    await flow.send(new PutRawMessageContentCommand({ messageId: event.messageId, content: { s3Reference: { bucket: emu.bucket, key } } }));
  };

  it('delivers the updated content when PutRawMessageContent succeeds', async () => {
    behaviour = async (event) => {
      await rewrite(event, (t) => t.replace('Subject: hello', 'Subject: [EXTERNAL] hello'));
      return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
    };
    const out = await emu.receive({ bytes: msg, mailFrom: 'boss@partner.org', recipients: ['a@example.com'] });
    expect(out.updated).toBe(true);
    expect(out.finalMessage.toString()).toContain('Subject: [EXTERNAL] hello');
    expect(out.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(out.event!.sender).toEqual({ address: 'assistant@partner.org' });
    // Once delivered, a late update changes nothing.
    await rewrite(out.event!, (t) => t.replace('hello', 'too late'));
    expect(emu.store.get(out.messageId)!.updated!.toString()).toContain('[EXTERNAL] hello');
  });

  it('PutRawMessageContent on a delivered or sent message: the delivered copy stays, GetRawMessageContent returns the update', async () => {
    behaviour = async (event) => {
      await rewrite(event, (t) => t.replace('Subject: hello', 'Subject: [EXTERNAL] hello'));
      return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
    };
    const inbound = await emu.receive({ bytes: msg, mailFrom: 'boss@partner.org', recipients: ['a@example.com'] });
    behaviour = async () => ({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    const sent = await emu.submit({ bytes: msg, mailFrom: 'a@example.com', recipients: ['x@partner.org'] });
    const readBack = async (id: string) =>
      Buffer.from(await (await flow.send(new GetRawMessageContentCommand({ messageId: id }))).messageContent!.transformToByteArray());

    for (const [out, delivered] of [
      [inbound, 'Subject: [EXTERNAL] hello'],
      [sent, 'Subject: hello'],
    ] as const) {
      const before = out.finalMessage;
      // A call after delivery, with the real SDK: accepted (200)...
      await rewrite(out.event!, (t) => t.replace(/Subject: .*hello/, 'Subject: too late'));
      const stored = emu.store.get(out.messageId)!;
      // ...the message as delivered does not change...
      expect(out.finalMessage).toBe(before);
      expect(deliveredContent(stored).toString()).toContain(delivered);
      expect(deliveredContent(stored).toString()).not.toContain('too late');
      expect(stored.updated === undefined).toBe(!out.updated);
      // ...but GetRawMessageContent now returns the update, as the API reference says.
      const after = await readBack(out.messageId);
      expect(after.toString()).toContain('Subject: too late');
      expect(after.equals(stored.lateUpdate!)).toBe(true);
      expect(stored.lateUpdateFrom).toEqual({ bucket: emu.bucket, key: `updated/${out.messageId}/${out.event!.invocationId}`, objectVersion: undefined });
    }
    expect(emu.store.calls.filter((c) => c.operation === 'PutRawMessageContent' && c.messageId === sent.messageId).map((c) => c.status)).toEqual([200]);
  });

  it('an asynchronous Run Lambda rule cannot change what is delivered, only what GetRawMessageContent returns', async () => {
    const asyncRule: EmailFlowRule = {
      name: 'metrics',
      direction: 'INBOUND',
      senders: ['*'],
      action: 'RUN_LAMBDA',
      lambda: { synchronous: false, fallback: 'DEFAULT', ruleTimeoutMinutes: 0 },
    };
    const saved = emu.organisation.rules;
    emu.organisation.rules = [asyncRule];
    try {
      behaviour = async (event) => {
        await rewrite(event, (t) => t.replace('Subject: hello', 'Subject: [ASYNC] hello'));
        return { actions: [] };
      };
      const out = await emu.receive({ bytes: msg, mailFrom: 'boss@partner.org', recipients: ['a@example.com'] });
      expect([out.updated, out.finalMessage.equals(msg), out.recipients[0]!.disposition, out.lambdaInvocations]).toEqual([false, true, 'inbox', 1]);
      expect(emu.store.get(out.messageId)!.updated).toBeUndefined();
      expect(readableContent(emu.store.get(out.messageId)!).toString()).toContain('Subject: [ASYNC] hello');
    } finally {
      emu.organisation.rules = saved;
    }
  });

  it('delivers the original when WorkMail rejects the update', async () => {
    let error: string | undefined;
    behaviour = async (event) => {
      await rewrite(event, (t) => t.replace('hi', 'FORBIDDEN')).catch((e: Error) => (error = `${e.name}: ${e.message}`));
      return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
    };
    const out = await emu.submit({ bytes: msg, mailFrom: 'a@example.com', recipients: ['x@partner.org'] });
    expect(error).toMatch(/^MessageRejected: The updated content of message .* was rejected: the content says FORBIDDEN$/);
    expect([out.updated, out.finalMessage.equals(msg), out.recipients[0]!.disposition]).toEqual([false, true, 'inbox']);
  });
});
