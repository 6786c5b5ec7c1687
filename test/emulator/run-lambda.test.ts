import { describe, expect, it } from 'vitest';
import { SkippingClock } from '../../lib/emulator/clock.js';
import { buildEvent } from '../../lib/emulator/message-event.js';
import { firstUniqueActions, invokeSynchronously, type LambdaContext, type LambdaFunction } from '../../lib/emulator/run-lambda.js';
import { responseProblems } from '../../lib/workmail/response.js';
import type { MessageFlowEvent } from '../../lib/workmail/event.js';
import type { ResponseAction } from '../../lib/workmail/response.js';
import { mail } from '../support/samples.js';

const msg = mail(['From: a@example.com', 'To: x@y.org', 'Subject: hi', '', 'body', '']);
const event = buildEvent({ bytes: msg, direction: 'OUTBOUND', mailFrom: 'a@example.com', recipients: ['x@y.org'] }, 'msg-1');
const ok = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };

describe('synchronous Run Lambda invocation', () => {
  it('retries a failing function with exponential backoff until the rule timeout, with the same event', async () => {
    const clock = new SkippingClock();
    const seen: { invocationId: string; requestId: string }[] = [];
    const failing: LambdaFunction = async (e, ctx) => {
      seen.push({ invocationId: e.invocationId, requestId: ctx.awsRequestId });
      throw new TypeError('boom');
    };
    const started = Date.now();
    const r = await invokeSynchronously(failing, event, { ruleTimeoutMinutes: 1, clock });
    expect(r.response).toBeUndefined();
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(r.invocations).toBe(6);
    expect(r.failures).toEqual(Array(6).fill('the function failed: TypeError: boom'));
    expect(new Set(seen.map((s) => s.invocationId))).toEqual(new Set([event.invocationId]));
    expect(new Set(seen.map((s) => s.requestId)).size).toBe(6);
    // 31 s of backoff, skipped.
    expect(Date.now() - started).toBeLessThan(1000);
    // A longer rule timeout allows more tries; 0 allows one.
    expect((await invokeSynchronously(failing, event, { ruleTimeoutMinutes: 10 })).invocations).toBe(10);
    expect((await invokeSynchronously(failing, event, { ruleTimeoutMinutes: 0 })).invocations).toBe(1);
  });

  it('counts an answer after 15 seconds as a failure, and lets a later try succeed', async () => {
    const clock = new SkippingClock({ frozen: true });
    const remaining: number[] = [];
    let calls = 0;
    const slowOnce: LambdaFunction = async (_e, ctx: LambdaContext) => {
      calls++;
      remaining.push(ctx.getRemainingTimeInMillis());
      if (calls === 1) {
        await clock.sleep(16_000);
        remaining.push(ctx.getRemainingTimeInMillis());
      }
      return ok;
    };
    const r = await invokeSynchronously(slowOnce, event, { ruleTimeoutMinutes: 1, clock });
    expect(r.invocations).toBe(2);
    expect(r.failures).toEqual(["answered after 16000 ms, over WorkMail's 15000 ms limit"]);
    expect(r.response).toEqual(ok);
    expect(remaining[0]).toBeGreaterThan(14_900);
    expect(remaining[1]).toBe(0);
  });

  it('cuts off a function that never answers', async () => {
    const hanging: LambdaFunction = () => new Promise(() => undefined);
    const r = await invokeSynchronously(hanging, event, { ruleTimeoutMinutes: 0, answerLimitMs: 30 });
    expect([r.invocations, r.failures]).toEqual([1, ['no answer within 30 ms']]);
  });

  it('retries a non-conforming response', async () => {
    let calls = 0;
    const r = await invokeSynchronously(async () => (++calls < 3 ? { actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] } : ok), event, {
      ruleTimeoutMinutes: 1,
    });
    expect(r.invocations).toBe(3);
    expect(r.failures[0]).toBe('invalid response: actions[0]: type "MOVE_TO_JUNK" is not allowed for outbound mail (allowed: BOUNCE, DROP, DEFAULT)');
  });

  it('hands each attempt its own copy of the event', async () => {
    const ids: string[] = [];
    let calls = 0;
    const mutating: LambdaFunction = async (e: MessageFlowEvent) => {
      ids.push(e.messageId);
      e.messageId = 'changed';
      if (++calls === 1) throw new Error('again');
      return ok;
    };
    await invokeSynchronously(mutating, event, { ruleTimeoutMinutes: 1 });
    expect(ids).toEqual(['msg-1', 'msg-1']);
  });
});

describe('response validation', () => {
  it.each<[string, unknown, 'INBOUND' | 'OUTBOUND', string[]]>([
    [
      'a valid inbound response',
      {
        actions: [
          { action: { type: 'BYPASS_SPAM_CHECK' }, allRecipients: true },
          { action: { type: 'BOUNCE', parameters: { bounceMessage: 'no' } }, recipients: ['a@example.com'] },
        ],
      },
      'INBOUND',
      [],
    ],
    [
      'junk is inbound-only',
      { actions: [{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }] },
      'OUTBOUND',
      ['actions[0]: type "MOVE_TO_JUNK" is not allowed for outbound mail (allowed: BOUNCE, DROP, DEFAULT)'],
    ],
    [
      'spam bypass is inbound-only',
      { actions: [{ action: { type: 'BYPASS_SPAM_CHECK' }, allRecipients: true }] },
      'OUTBOUND',
      ['actions[0]: type "BYPASS_SPAM_CHECK" is not allowed for outbound mail (allowed: BOUNCE, DROP, DEFAULT)'],
    ],
    [
      'an unknown type',
      { actions: [{ action: { type: 'QUARANTINE' }, allRecipients: true }] },
      'INBOUND',
      ['actions[0]: type "QUARANTINE" is not allowed for inbound mail (allowed: BOUNCE, DROP, DEFAULT, BYPASS_SPAM_CHECK, MOVE_TO_JUNK)'],
    ],
    [
      'BOUNCE without a message',
      { actions: [{ action: { type: 'BOUNCE' }, allRecipients: true }] },
      'INBOUND',
      ['actions[0]: BOUNCE needs parameters.bounceMessage'],
    ],
    [
      'allRecipients as a string',
      { actions: [{ action: { type: 'DEFAULT' }, allRecipients: 'true' }] },
      'INBOUND',
      ['actions[0]: allRecipients must be a boolean, not "true"'],
    ],
    [
      'recipients not a list',
      { actions: [{ action: { type: 'DEFAULT' }, recipients: 'a@example.com' }] },
      'INBOUND',
      ['actions[0]: recipients must be a list of addresses'],
    ],
    ['no actions', {}, 'INBOUND', ['the response has no "actions" array']],
    ['not an object', 'DEFAULT', 'INBOUND', ['the response must be an object with "actions", not "DEFAULT"']],
    ['nothing', undefined, 'INBOUND', ['the response must be an object with "actions", not undefined']],
    ['a null action', { actions: [null] }, 'INBOUND', ['actions[0]: must be an object']],
    [
      'too many outbound recipients',
      { actions: [{ action: { type: 'DROP' }, recipients: Array.from({ length: 501 }, (_, i) => `r${i}@x.org`) }] },
      'OUTBOUND',
      ['501 recipients listed; outbound responses may name at most 500'],
    ],
  ])('%s', (_label, response, direction, problems) => {
    expect(responseProblems(response, direction)).toEqual(problems);
  });

  it('refuses a response over 256 KB', () => {
    const big = { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true, recipients: ['x'.repeat(300 * 1024)] }] };
    expect(responseProblems(big, 'INBOUND')).toEqual([`the response is ${Buffer.byteLength(JSON.stringify(big))} bytes, over the 256 KB limit`]);
  });

  it('keeps the first ten unique actions (and their repeats); the rest get the fallback', () => {
    const bounce = (i: number): ResponseAction => ({ action: { type: 'BOUNCE', parameters: { bounceMessage: `m${i}` } }, recipients: [`r${i}@example.com`] });
    const actions = [...Array.from({ length: 12 }, (_, i) => bounce(i)), bounce(3)];
    const { kept, ignored } = firstUniqueActions(actions);
    expect(ignored.map((a) => a.recipients![0])).toEqual(['r10@example.com', 'r11@example.com']);
    expect(kept.length).toBe(11);
  });
});
