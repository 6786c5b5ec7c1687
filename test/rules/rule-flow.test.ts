import { describe, expect, it } from 'vitest';
import { processEvent } from '../../lib/flow/pipeline.js';
import { RecordingObserver } from '../../lib/flow/observer.js';
import { parseMessage } from '../../lib/mime/index.js';
import { actionRule, defineRule, headerRule, parseRulesConfig, redactRule, runRules, subjectTagRule, type Rule } from '../../lib/rules/index.js';
import { getBuiltinDetector } from '../../lib/redaction/registry.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { run } from '../support/run.js';
import { mail } from '../support/samples.js';

const card = '4111 1111 1111 1111';
const plain = mail([
  'From: a@partner.org',
  'To: user@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Subject: Hello',
  'X-Flag: yes',
  '',
  `Card ${card} inside`,
  '',
]);
const withExe = mail([
  'From: a@partner.org',
  'Subject: x',
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  '',
  'hi',
  '--b',
  'Content-Type: application/octet-stream',
  'Content-Disposition: attachment; filename="a.exe"',
  '',
  'MZ',
  '--b--',
  '',
]);

const tag = (extra: Partial<Rule> = {}): Rule => ({ ...subjectTagRule({ tag: '[EXT]' }), ...extra });

describe('unless (exceptions)', () => {
  it('skips the rule when the exception holds, runs it when it does not', async () => {
    const skipped = await run([tag({ unless: { header: { name: 'X-Flag' } } })], plain);
    expect(skipped.changed).toBe(false);
    expect(skipped.reports[0]).toMatchObject({ status: 'skipped', reason: 'exception (unless) holds' });
    const ran = await run([tag({ unless: { header: { name: 'X-Other' } } })], plain);
    expect(ran.changed).toBe(true);
    expect(ran.reports[0]!.status).toBe('applied');
  });

  it('is three-valued: an exception that cannot be evaluated makes the rule follow its uninspectable policy', async () => {
    const rule: Rule = { ...actionRule({ action: 'BOUNCE', bounceMessage: 'no' }), unless: { attachment: { extensions: ['pdf'] } } };
    const result = await runRules([rule], {
      message: await parseMessage(plain),
      direction: 'INBOUND',
      mailFrom: 'a@partner.org',
      recipients: ['user@example.com'],
      orgDomains: ['example.com'],
      uninspectable: { reason: 'too deep', level: 'headers' },
    });
    expect(result.reports[0]!.uninspectable).toMatch(/could not inspect/);
    expect(result.actions.map((a) => a.type)).toEqual(['BOUNCE']);
    // A `when` that is false wins over an unknown exception: nothing applies.
    const not = await runRules([{ ...rule, when: { direction: 'OUTBOUND' } }], {
      message: await parseMessage(plain),
      direction: 'INBOUND',
      mailFrom: 'a@partner.org',
      recipients: ['u@example.com'],
      orgDomains: ['example.com'],
      uninspectable: { reason: 'x', level: 'headers' },
    });
    expect(not.actions).toEqual([]);
    expect(not.reports[0]).toMatchObject({ status: 'skipped', reason: 'condition not met' });
  });
});

describe('stopProcessing', () => {
  it('after a rule that applied, later rules do not run and say why', async () => {
    const stamp = headerRule({ name: 'stamp', operations: [{ op: 'set', name: 'X-Stamp', value: '1' }] });
    const r = await run([tag({ stopProcessing: true }), stamp], plain);
    expect(r.reports[0]).toMatchObject({ status: 'applied', stoppedProcessing: true });
    expect(r.reports[1]).toMatchObject({ name: 'stamp', status: 'skipped', reason: 'not run: rule "subject-tag" applied and stops processing' });
    expect((await parseMessage(r.output)).headers.has('X-Stamp')).toBe(false);
  });

  it('does not stop anything when its rule did not apply', async () => {
    const stamp = headerRule({ name: 'stamp', operations: [{ op: 'set', name: 'X-Stamp', value: '1' }] });
    const r = await run([tag({ stopProcessing: true, when: { direction: 'OUTBOUND' } }), stamp], plain);
    expect(r.reports.map((x) => x.status)).toEqual(['skipped', 'applied']);
    const unchanged = await run([tag({ stopProcessing: true }), stamp], (await run([tag()], plain)).output);
    expect(unchanged.reports.map((x) => x.status)).toEqual(['unchanged', 'applied']);
  });
});

describe('audit mode', () => {
  const redact = redactRule({ name: 'dlp', detectors: [getBuiltinDetector('payment-card')!], onFind: { action: 'BOUNCE', bounceMessage: 'blocked' } });

  it('changes nothing and requests nothing, but reports what it would do', async () => {
    const r = await run([{ ...redact, mode: 'audit' }, tag({ mode: 'audit' })], plain);
    expect(r.output.equals(plain)).toBe(true);
    expect(r.changed).toBe(false);
    expect(r.actions).toEqual([]);
    expect(r.reports[0]).toMatchObject({
      status: 'would-apply',
      audit: true,
      counts: { 'payment-card': 1 },
      actions: [{ type: 'BOUNCE', bounceMessage: 'blocked' }],
    });
    expect(r.reports[0]!.changes).toEqual(['redacted 1 match(es) in message']);
    expect(r.reports[1]).toMatchObject({ status: 'would-apply', audit: true, changes: ['tagged subject with [EXT]'] });
  });

  it('an enforced rule after an audit rule sees the untouched message', async () => {
    const r = await run([{ ...redact, mode: 'audit' }, redactRule({ name: 'real', detectors: [getBuiltinDetector('payment-card')!] })], plain);
    expect(r.reports[1]).toMatchObject({ status: 'applied', counts: { 'payment-card': 1 } });
    expect(r.output.toString()).not.toContain(card);
  });

  it('never stops later rules, and a failing audit rule leaves the content usable', async () => {
    const boom = defineRule({
      name: 'boom',
      mode: 'audit',
      run: () => {
        throw new Error('bad');
      },
    });
    const r = await run([tag({ mode: 'audit', stopProcessing: true }), boom, tag({ name: 'enforced' })], plain);
    expect(r.reports.map((x) => x.status)).toEqual(['would-apply', 'failed', 'applied']);
    expect(r.reports[0]!.stoppedProcessing).toBe(true);
    expect(r.contentUnusable).toBeUndefined();
    expect((await parseMessage(r.output)).headers.getDecoded('subject')).toEqual(['[EXT] Hello']);
  });

  it('policy actions of an audit rule are reported, not requested', async () => {
    const rule: Rule = { ...actionRule({ action: 'DROP' }), when: { attachment: { extensions: ['exe'] } }, mode: 'audit' };
    const result = await runRules([rule], {
      message: await parseMessage(withExe),
      direction: 'INBOUND',
      mailFrom: 'a@partner.org',
      recipients: ['u@example.com'],
      orgDomains: ['example.com'],
      uninspectable: { reason: 'x', level: 'headers' },
    });
    expect(result.actions).toEqual([]);
    expect(result.reports[0]).toMatchObject({ status: 'would-apply', actions: [{ type: 'DROP' }] });
    expect(result.reports[0]!.reason).toMatch(/would apply DROP by policy/);
  });

  it('the whole configuration can be put in audit mode; flow options are validated for every type', async () => {
    const config = parseRulesConfig(
      {
        mode: 'audit',
        rules: [
          { type: 'subject-tag', tag: '[EXT]', stopProcessing: true, unless: { senderIs: 'internal' } },
          { type: 'action', action: 'BOUNCE', mode: 'enforce' },
        ],
      },
      { platform: WORKMAIL_PLATFORM },
    );
    expect(config.rules.map((r) => [r.mode, r.stopProcessing ?? false, r.unless !== undefined])).toEqual([
      ['audit', true, true],
      ['audit', false, false],
    ]);
    const r = await run(config.rules, plain, { orgDomains: ['example.com'] });
    expect(r.output.equals(plain)).toBe(true);
    expect(r.actions).toEqual([]);
    expect(r.reports.map((x) => x.status)).toEqual(['would-apply', 'would-apply']);

    expect(() => parseRulesConfig({ rules: [{ type: 'subject-tag', tag: 'x', mode: 'test', stopProprocessing: true }] })).toThrow(
      /rules\[0\]\.mode: .*\n.*rules\[0\]: unknown option "stopProprocessing" \(did you mean "stopProcessing"\?\)/,
    );
    expect(() => parseRulesConfig({ rules: [{ type: 'subject-tag', tag: 'x', unless: { sender: 'a b' } }] })).toThrow(/rules\[0\]\.unless\.sender/);
  });

  it('the pipeline counts audit hits apart from rule hits', async () => {
    const observer = new RecordingObserver();
    const out = await processEvent(
      {
        summaryVersion: '2018-10-10',
        envelope: { mailFrom: { address: 'a@partner.org' }, recipients: [{ address: 'user@example.com' }] },
        subject: 'Hello',
        messageId: 'm-1',
        invocationId: 'i-1',
        flowDirection: 'INBOUND',
        truncated: false,
      },
      {
        messageFlow: { getRawMessage: async () => plain, putRawMessage: async () => undefined },
        objectStore: { put: async () => ({}) },
        observer,
      },
      {
        rules: [tag({ mode: 'audit' }), headerRule({ name: 'stamp', operations: [{ op: 'set', name: 'X-Stamp', value: '1' }] })],
        orgDomains: ['example.com'],
        bucket: 'b',
        keyPrefix: 'updated/',
      },
    );
    expect(out.status).toBe('updated');
    expect(observer.metrics.filter((m) => m.name === 'RuleHits').map((m) => m.dimensions)).toEqual([{ rule: 'stamp' }]);
    expect(observer.metrics.filter((m) => m.name === 'AuditHits').map((m) => m.dimensions)).toEqual([{ rule: 'subject-tag' }]);
    expect((await parseMessage(out.updated!)).headers.getDecoded('subject')).toEqual(['Hello']);
  });
});
