import { describe, expect, it } from 'vitest';
import { deliver } from '../../lib/emulator/delivery.js';
import { selectFlowRule, type EmailFlowRule } from '../../lib/emulator/flow-rules.js';
import { MessageStore } from '../../lib/emulator/message-store.js';
import { firstUniqueActions, invokeSynchronously, responseProblems, type LambdaFunction } from '../../lib/emulator/run-lambda.js';
import { buildEvent } from '../../lib/emulator/delivery.js';
import { mail } from '../support/samples.js';

const msg = mail(['From: Boss <boss@partner.org>', 'Sender: assistant@partner.org', 'To: a@example.com', `Subject: ${'long '.repeat(80)}`, '', 'hi', '']);
const rule = (r: Partial<EmailFlowRule> & Pick<EmailFlowRule, 'name' | 'action'>): EmailFlowRule => ({ direction: 'INBOUND', senders: ['*'], ...r });

describe('email flow rule selection', () => {
  it('prefers the most specific pattern, then the most restrictive action', () => {
    const rules = [rule({ name: 'all', action: 'DEFAULT' }), rule({ name: 'domain', action: 'MOVE_TO_JUNK', senders: ['partner.org'] }), rule({ name: 'addr', action: 'RUN_LAMBDA', senders: ['assistant@partner.org'] })];
    expect(selectFlowRule(rules, 'INBOUND', 'assistant@partner.org', 'a@example.com')!.name).toBe('addr');
    expect(selectFlowRule(rules, 'INBOUND', 'other@partner.org', 'a@example.com')!.name).toBe('domain');
    const tie = [rule({ name: 'lambda', action: 'RUN_LAMBDA' }), rule({ name: 'bounce', action: 'BOUNCE' }), rule({ name: 'drop', action: 'DROP' })];
    expect(selectFlowRule(tie, 'INBOUND', 'x@y.org', 'a@example.com')!.name).toBe('drop');
    const out = [rule({ name: 'o-lambda', direction: 'OUTBOUND', action: 'RUN_LAMBDA' }), rule({ name: 'o-default', direction: 'OUTBOUND', action: 'DEFAULT' })];
    expect(selectFlowRule(out, 'OUTBOUND', 'a@example.com', 'x@y.org')!.name).toBe('o-default');
    const outScoped = [rule({ name: 'o1', direction: 'OUTBOUND', action: 'BOUNCE', recipients: ['competitor.com'] }), rule({ name: 'o2', direction: 'OUTBOUND', action: 'RUN_LAMBDA' })];
    expect(selectFlowRule(outScoped, 'OUTBOUND', 'a@example.com', 'x@competitor.com')!.name).toBe('o1');
    expect(selectFlowRule(outScoped, 'OUTBOUND', 'a@example.com', 'x@friend.org')!.name).toBe('o2');
  });

  it('builds the event WorkMail sends: on-behalf-of sender, subject cut at 256, ids in the right form', async () => {
    const e = await buildEvent({ bytes: msg, direction: 'INBOUND', mailFrom: 'boss@partner.org', recipients: ['a@example.com'] }, 'msg-1');
    expect(e.sender).toEqual({ address: 'assistant@partner.org' });
    expect(e.subject!.length).toBe(256);
    expect(e.invocationId).toMatch(/^[0-9a-f]{32}$/);
    const many = await buildEvent({ bytes: msg, direction: 'INBOUND', mailFrom: 'x@y.org', recipients: Array.from({ length: 5000 }, (_, i) => `recipient-${i}@example.com`) }, 'm');
    expect(many.truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(many))).toBeLessThanOrEqual(128 * 1024);
  });
});

const event = await buildEvent({ bytes: msg, direction: 'OUTBOUND', mailFrom: 'a@example.com', recipients: ['x@y.org'] }, 'm');

describe('synchronous Run Lambda', () => {

  it('retries failed invocations with backoff until the rule timeout, then gives up', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing: LambdaFunction = async () => {
      calls++;
      throw new Error('boom');
    };
    const r = await invokeSynchronously(failing, event, { ruleTimeoutMinutes: 1, sleep: async (ms) => void waits.push(ms) });
    expect(r.actions).toBeUndefined();
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(calls).toBe(6);
    expect(r.failures.every((f) => f === 'boom')).toBe(true);
  });

  it('treats an answer after the limit as a failure, and succeeds on a later try', async () => {
    let calls = 0;
    const slowThenFine: LambdaFunction = async () => {
      calls++;
      if (calls === 1) await new Promise((r) => setTimeout(r, 200));
      return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
    };
    const r = await invokeSynchronously(slowThenFine, event, { ruleTimeoutMinutes: 1, answerLimitMs: 50 });
    expect(r.invocations).toBe(2);
    expect(r.failures).toEqual(['no answer within 50 ms']);
  });

  it('validates responses as WorkMail does', () => {
    expect(responseProblems({ actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] }, 'OUTBOUND')).toEqual(['actions[0]: type "MOVE_TO_JUNK" is not allowed for outbound mail']);
    expect(responseProblems({ actions: [{ action: { type: 'BOUNCE' }, allRecipients: 'true' }] }, 'INBOUND')).toEqual(['actions[0]: BOUNCE needs parameters.bounceMessage', 'actions[0]: allRecipients must be a boolean, not "true"']);
    expect(responseProblems({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true, recipients: ['x'.repeat(300 * 1024)] }] }, 'INBOUND')[0]).toMatch(/over 256 KB/);
    expect(responseProblems({}, 'INBOUND')).toEqual(['the response has no "actions" array']);
    const twelve = Array.from({ length: 12 }, (_, i) => ({ action: { type: 'BOUNCE' as const, parameters: { bounceMessage: `m${i}` } }, recipients: [`r${i}@example.com`] }));
    expect(firstUniqueActions(twelve).ignored.map((a) => a.recipients![0])).toEqual(['r10@example.com', 'r11@example.com']);
  });
});

describe('delivery through the organisation', () => {
  const org = (lambda: LambdaFunction, fallback: 'DEFAULT' | 'BOUNCE' | 'DROP' | 'MOVE_TO_JUNK' = 'MOVE_TO_JUNK') => ({
    domains: ['example.com'],
    rules: [rule({ name: 'lambda', action: 'RUN_LAMBDA', lambda: { fallback, ruleTimeoutMinutes: 1 } }), rule({ name: 'drop-spammer', action: 'DROP', senders: ['spammer.org'] })],
    lambda,
  });
  const request = { bytes: msg, direction: 'INBOUND' as const, mailFrom: 'boss@partner.org', recipients: ['a@example.com', 'b@example.com', 'c@example.com'] };

  it('applies actions per recipient, the fallback to those left out, and adds organisation BCCs only', async () => {
    const lambda: LambdaFunction = async () => ({
      actions: [
        { action: { type: 'BOUNCE', parameters: { bounceMessage: 'no' } }, recipients: ['a@example.com'] },
        { action: { type: 'DEFAULT' }, recipients: ['b@example.com', 'audit@example.com', 'spy@elsewhere.org'] },
      ],
    });
    const out = await deliver(new MessageStore(), org(lambda), request);
    expect(out.recipients.map((r) => [r.address, r.disposition, r.addedAsBcc ?? false])).toEqual([
      ['a@example.com', 'bounced', false],
      ['b@example.com', 'inbox', false],
      ['c@example.com', 'junk', false],
      ['audit@example.com', 'inbox', true],
    ]);
    expect(out.usedFallback).toBe(true);
    expect(out.notes).toContain("ignored added recipient spy@elsewhere.org: not in the organisation's domains");
  });

  it('applies the fallback to everyone when the Lambda keeps failing', async () => {
    const out = await deliver(new MessageStore(), org(async () => ({ actions: 'nope' }), 'BOUNCE'), request);
    expect(out.recipients.every((r) => r.disposition === 'bounced')).toBe(true);
    expect(out.lambdaInvocations).toBeGreaterThan(1);
    expect(out.notes.at(-1)).toBe('rule timeout reached: fallback BOUNCE for all recipients');
  });

  it('lets a more specific non-Lambda rule decide without invoking the Lambda', async () => {
    let invoked = false;
    const out = await deliver(new MessageStore(), org(async () => ((invoked = true), { actions: [] })), { ...request, bytes: Buffer.from(msg.toString().replace('Sender: assistant@partner.org', 'Sender: bulk@spammer.org')) });
    expect(invoked).toBe(false);
    expect(out.recipients.every((r) => r.disposition === 'dropped' && r.rule === 'drop-spammer')).toBe(true);
  });
});
