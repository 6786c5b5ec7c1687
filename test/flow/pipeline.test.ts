import { describe, expect, it } from 'vitest';
import { parseMessage, getText } from '../../lib/mime/index.js';
import { processEvent, type PipelineConfig } from '../../lib/flow/pipeline.js';
import { RecordingObserver } from '../../lib/flow/observer.js';
import { ServiceError, type MessageFlowPort, type ObjectStorePort } from '../../lib/flow/ports.js';
import { updatedMessageKey } from '../../lib/flow/object-key.js';
import { defineRule, disclaimerRule, redactRule, subjectTagRule } from '../../lib/rules/index.js';
import { getBuiltinDetector } from '../../lib/redaction/registry.js';
import { mail } from '../support/samples.js';

const raw = mail([
  'From: a@example.org',
  'To: user@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@example.org>',
  'Subject: Hello',
  '',
  'Body text',
  '',
]);
const event = {
  summaryVersion: '2018-10-10',
  envelope: { mailFrom: { address: 'a@example.org' }, recipients: [{ address: 'user@example.com' }] },
  subject: 'Hello',
  messageId: 'abc-123',
  invocationId: 'inv_0001.x',
  flowDirection: 'INBOUND',
  truncated: false,
};

function setup(options: { getFails?: ServiceError[]; putFails?: ServiceError[]; storeFails?: ServiceError[]; message?: Buffer; delayMs?: number } = {}) {
  const calls = { get: 0, put: 0, store: 0 };
  const stored: { key: string; body: Buffer }[] = [];
  const messageFlow: MessageFlowPort = {
    async getRawMessage(_id, signal) {
      calls.get++;
      if (options.delayMs)
        await new Promise((r, j) => {
          const t = setTimeout(r, options.delayMs);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            j(new ServiceError('aborted', 'AbortError', 'aborted'));
          });
        });
      const e = options.getFails?.shift();
      if (e) throw e;
      return options.message ?? raw;
    },
    async putRawMessage() {
      calls.put++;
      const e = options.putFails?.shift();
      if (e) throw e;
    },
  };
  const objectStore: ObjectStorePort = {
    async put(_bucket, key, body) {
      calls.store++;
      const e = options.storeFails?.shift();
      if (e) throw e;
      stored.push({ key, body });
      return { versionId: 'v1' };
    },
  };
  const observer = new RecordingObserver();
  return { deps: { messageFlow, objectStore, observer }, calls, stored, observer };
}

const config = (rules = [subjectTagRule({ tag: '[EXT]' })]): PipelineConfig => ({
  rules,
  orgDomains: ['example.com'],
  bucket: 'bucket',
  keyPrefix: 'updated/',
});

describe('processEvent', () => {
  it('updates changed content: uploads under a deterministic key and calls PutRawMessageContent', async () => {
    const { deps, calls, stored, observer } = setup();
    const out = await processEvent(event, deps, config());
    expect(out.status).toBe('updated');
    expect(out.response).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
    expect(calls).toEqual({ get: 1, put: 1, store: 1 });
    // The id has characters S3Reference forbids: folded, plus a hash of the original so ids never collide.
    expect(stored[0]!.key).toMatch(/^updated\/abc-123\/inv-0001-x-[0-9a-f]{16}$/);
    expect((await parseMessage(stored[0]!.body)).headers.getDecoded('subject')).toEqual(['[EXT] Hello']);
    expect(out.location).toEqual({ bucket: 'bucket', key: stored[0]!.key, versionId: 'v1' });
    expect(observer.total('MessagesModified')).toBe(1);
    expect(observer.metrics.find((m) => m.name === 'RuleHits')!.dimensions).toEqual({ rule: 'subject-tag' });
  });

  it('writes nothing when no rule changed the message', async () => {
    const { deps, calls } = setup();
    const out = await processEvent(event, deps, config([disclaimerRule({ text: 'Body text' })]));
    expect(out.status).toBe('unchanged');
    expect(calls).toEqual({ get: 1, put: 0, store: 0 });
  });

  it('answers DEFAULT for an event it cannot understand, logging every problem', async () => {
    const { deps, calls, observer } = setup();
    const out = await processEvent({ ...event, messageId: 'Bad Id!' }, deps, config());
    expect(out).toMatchObject({ status: 'failed-open', response: { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] } });
    expect(calls.get).toBe(0);
    expect(observer.total('InvalidEvents')).toBe(1);
    expect(observer.logs[0]!.attributes.problems).toEqual([expect.stringMatching(/^messageId: /)]);
  });

  it.each([
    ['MessageFrozen', 'message-frozen', /MessageFrozen/],
    ['MessageRejected', 'message-rejected', /MessageRejected/],
    ['ResourceNotFoundException', 'not-found', /ResourceNotFoundException/],
    ['InvalidContentLocation', 'invalid-content-location', /bucket must be in the same Region and account.*bucket policy|policy must let workmail/],
  ] as const)('%s on update: delivers the original and says why', async (code, kind, why) => {
    const { deps, observer } = setup({ putFails: [new ServiceError(kind, code, `PutRawMessageContent: ${code}: nope`)] });
    const out = await processEvent(event, deps, config());
    expect(out.status).toBe('update-skipped');
    expect(out.response.actions).toEqual([{ action: { type: 'DEFAULT' }, allRecipients: true }]);
    expect(out.reason).toMatch(why);
    expect(observer.metrics.find((m) => m.name === 'UpdateSkipped')!.dimensions).toEqual({ reason: code });
    expect(observer.logs.some((l) => l.level === 'error' && l.attributes.messageId === 'abc-123')).toBe(true);
  });

  it('retries throttling and 5xx, then succeeds', async () => {
    const { deps, calls, observer } = setup({
      getFails: [new ServiceError('throttled', 'ThrottlingException', 'slow down')],
      storeFails: [new ServiceError('unavailable', 'InternalError', '500')],
      putFails: [new ServiceError('unavailable', 'ServiceUnavailable', '503')],
    });
    const out = await processEvent(event, deps, config());
    expect(out.status).toBe('updated');
    expect(calls).toEqual({ get: 2, put: 2, store: 2 });
    expect(observer.total('Retries')).toBe(3);
  });

  it('delivers the original of a message it cannot parse, and when a rule throws', async () => {
    const deep = Buffer.from(
      'Content-Type: multipart/mixed; boundary=a\r\n\r\n' +
        Array.from({ length: 80 }, (_, i) => `--a${i || ''}\r\nContent-Type: multipart/mixed; boundary=a${i + 1}\r\n\r\n`).join(''),
    );
    const bad = setup({ message: deep });
    const out = await processEvent(event, bad.deps, config());
    expect(out).toMatchObject({ status: 'uninspectable', reason: expect.stringMatching(/nesting deeper/) });
    expect(bad.observer.total('Uninspectable')).toBe(1);
    expect(bad.calls.store).toBe(0);
    const boom = setup();
    const thrower = defineRule({
      name: 'buggy',
      run: () => {
        throw new TypeError('oops');
      },
    });
    const out2 = await processEvent(event, boom.deps, config([subjectTagRule({ tag: '[EXT]' }), thrower]));
    // The subject tag's edit is not delivered (a rule failed after it), the decisions stand.
    expect(out2).toMatchObject({
      status: 'update-skipped',
      reason: 'rule "buggy" failed: oops',
      response: { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] },
    });
    expect(out2.reports.map((r) => r.status)).toEqual(['applied', 'failed']);
    expect(boom.calls.store).toBe(0);
  });

  it('throws instead when failClosed is set, so WorkMail retries and applies the fallback', async () => {
    const { deps } = setup();
    const thrower = defineRule({
      name: 'buggy',
      run: () => {
        throw new Error('oops');
      },
    });
    await expect(processEvent(event, deps, { ...config([thrower]), failClosed: true })).rejects.toThrow(/rule "buggy" failed/);
  });

  it('answers DEFAULT in time when the budget runs out', async () => {
    const { deps, observer } = setup({ delayMs: 5_000 });
    const started = Date.now();
    const out = await processEvent(event, deps, config(), { remainingLambdaMs: 1_700 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(out).toMatchObject({ status: 'failed-open', reason: expect.stringMatching(/time budget exhausted/) });
    expect(observer.total('FailedOpen')).toBe(1);
  });

  it('skips an update WorkMail would reject and keeps the rules’ actions', async () => {
    const { deps, calls } = setup();
    const stamp = defineRule({
      name: 'bad-stamp',
      run: (ctx) => {
        ctx.message.headers.add('Date', 'Tue, 2 Jan 2024 00:00:00 +0000');
        ctx.requestAction({ type: 'MOVE_TO_JUNK' });
        ctx.note('added a second Date');
      },
    });
    const out = await processEvent(event, deps, config([stamp]));
    expect(out.status).toBe('update-skipped');
    expect(out.problems!.map((p) => p.code)).toEqual(['IMMUTABLE_HEADER_CHANGED', 'DUPLICATE_UNIQUE_HEADER']);
    expect(out.response.actions).toEqual([{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }]);
    expect(calls.store).toBe(0);
  });

  it.each([
    ['S3 AccessDenied', { storeFails: [new ServiceError('other', 'AccessDenied', 'Access Denied')] }],
    ['throttling until retries run out', { putFails: Array.from({ length: 10 }, () => new ServiceError('throttled', 'ThrottlingException', 'Rate exceeded')) }],
    ['an unexpected error from the store', { storeFails: [new TypeError('socket hang up') as unknown as ServiceError] }],
  ])('keeps the rules’ actions when the update fails after them (%s)', async (_name, failures) => {
    const { deps, calls, observer } = setup(failures);
    const junk = defineRule({
      name: 'junk-and-tag',
      run: (ctx) => {
        ctx.message.headers.set('X-Tag', '1');
        ctx.requestAction({ type: 'MOVE_TO_JUNK' });
      },
    });
    const out = await processEvent(event, deps, config([junk]));
    expect(out.status).toBe('update-skipped');
    expect(out.response.actions).toEqual([{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }]);
    expect(calls.store).toBeGreaterThanOrEqual(1);
    expect(observer.total('UpdateSkipped')).toBe(1);
  });

  it('keeps the rules’ actions when PutRawMessageContent never answers', async () => {
    const { deps } = setup();
    deps.messageFlow.putRawMessage = () => new Promise(() => undefined);
    const junk = defineRule({
      name: 'junk-and-tag',
      run: (ctx) => {
        ctx.message.headers.set('X-Tag', '1');
        ctx.requestAction({ type: 'MOVE_TO_JUNK' });
      },
    });
    const started = Date.now();
    const out = await processEvent(event, deps, config([junk]), { remainingLambdaMs: 1_800 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(out).toMatchObject({ status: 'update-skipped', reason: expect.stringMatching(/time budget exhausted/) });
    expect(out.response.actions).toEqual([{ action: { type: 'MOVE_TO_JUNK' }, allRecipients: true }]);
  });

  it('applies blocking policies when the message cannot be fetched in time', async () => {
    const { deps } = setup({ delayMs: 5_000 });
    const block = defineRule({ name: 'block', run: () => undefined, onUninspectable: () => [{ type: 'BOUNCE', bounceMessage: 'held' }] });
    const out = await processEvent(event, deps, config([block]), { remainingLambdaMs: 1_700 });
    expect(out.status).toBe('failed-open');
    expect(out.response.actions).toEqual([{ action: { type: 'BOUNCE', parameters: { bounceMessage: 'held' } }, allRecipients: true }]);
  });

  it('re-encodes untouched parts over the line limit instead of giving up', async () => {
    const longLines = mail([
      'From: a@example.org',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'Subject: Hello',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'short',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      'Content-Disposition: attachment; filename=page.html',
      '',
      `<p>${'x'.repeat(3000)}</p>`,
      '--b--',
      '',
    ]);
    const { deps, stored } = setup({ message: longLines });
    const out = await processEvent(event, deps, config());
    expect(out.status).toBe('updated');
    const m = await parseMessage(stored[0]!.body);
    expect(m.findPart('2')!.info.transferEncoding).toBe('quoted-printable');
    expect(getText(m.findPart('2')!)).toBe(`<p>${'x'.repeat(3000)}</p>`);
  });

  it('never logs bodies or full addresses', async () => {
    const { deps, observer } = setup({
      message: mail(['From: a@example.org', 'Date: Mon, 1 Jan 2024 00:00:00 +0000', 'Subject: x', '', 'card 4111 1111 1111 1111', '']),
    });
    await processEvent(event, deps, config([redactRule({ detectors: [getBuiltinDetector('payment-card')!] })]));
    const logged = JSON.stringify(observer.logs);
    expect(logged).not.toContain('4111');
    expect(logged).not.toContain('a@example.org');
    expect(logged).not.toContain('user@example.com');
    expect(logged).toContain('a***@example.org');
  });
});

describe('updatedMessageKey', () => {
  it('keeps only [a-zA-Z0-9-/] and is deterministic', () => {
    expect(updatedMessageKey('updated/', 'inv-1-2', 'msg-1')).toBe('updated/msg-1/inv-1-2');
    expect(updatedMessageKey('my_prefix', 'x', 'y')).toBe('my-prefix/y/x');
    expect(updatedMessageKey('', 'x', 'y')).toBe('y/x');
    expect(updatedMessageKey('updated/', 'inv.1_2', 'msg-1')).toBe(updatedMessageKey('updated/', 'inv.1_2', 'msg-1'));
  });

  it('never lets two invocation ids share a key, however they fold or however long', () => {
    const ids = ['inv.1_2', 'inv_1.2', 'inv-1-2', 'inv 1 2', 'inv+1+2', 'x'.repeat(2000), `${'x'.repeat(1999)}y`, 'ü', 'é'];
    const keys = ids.map((id) => updatedMessageKey('updated/', id, 'msg-1'));
    expect(new Set(keys).size).toBe(ids.length);
    for (const k of keys) {
      expect(k).toMatch(/^[a-zA-Z0-9\-/]+$/);
      expect(k.length).toBeLessThanOrEqual(1024);
    }
  });
});
