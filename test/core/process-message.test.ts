import { describe, expect, it } from 'vitest';
import { decideWithoutInspection, processMessage, type ProcessInput } from '../../lib/core/index.js';
import { parseRulesConfig, type RulesConfig } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { manyPartsMail, nestedMail, TEST_CARD } from '../support/hostile-mail.js';
import { mail } from '../support/samples.js';

const CARD = TEST_CARD;
const HEAD = [
  'From: alice@example.com',
  'To: bob@partner.org',
  'Subject: invoice',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@example.com>',
  'MIME-Version: 1.0',
];
const outbound = { direction: 'OUTBOUND' as const, mailFrom: 'alice@example.com', recipients: ['bob@partner.org'] };

/** A disclaimer first (it may throw on hostile structure), then DLP that bounces on a find. */
const dlp = (extra: Record<string, unknown> = {}): RulesConfig =>
  parseRulesConfig(
    {
      orgDomains: ['example.com'],
      rules: [
        { type: 'disclaimer', text: 'Confidential.' },
        {
          type: 'redact',
          detectors: ['payment-card'],
          when: { direction: 'OUTBOUND', recipients: 'anyExternal' },
          onFind: { action: 'BOUNCE', bounceMessage: 'No cards.' },
          ...extra,
        },
      ],
    },
    { platform: WORKMAIL_PLATFORM },
  );

const run = (bytes: Buffer, config = dlp(), more: Partial<ProcessInput> = {}) =>
  processMessage({ bytes, envelope: outbound, rules: config.rules, orgDomains: config.orgDomains, platform: WORKMAIL_PLATFORM, ...more });

const types = (o: { actions: { type: string }[] }) => o.actions.map((a) => a.type);

// Hostile shapes a sender can give a message, generated here (cf. shared/cases/README.md).
const manyParts = (n: number) => manyPartsMail(HEAD, n);
const deep = (levels: number) => nestedMail(HEAD, levels);
const hugeHeader = () =>
  Buffer.concat([Buffer.from(`X-Pad: ${'x'.repeat(1_100_000)}\r\n`), mail([...HEAD, 'Content-Type: text/plain', '', `card ${CARD}`, ''])]);
const noBoundary = () => mail([...HEAD, 'Content-Type: multipart/mixed', '', `card ${CARD}`, '']);
const onlyPreamble = () => mail([...HEAD, 'Content-Type: multipart/mixed; boundary=b', '', `card ${CARD}`, '--b--', '']);

describe('processMessage: a sender cannot switch DLP off by shaping the message', () => {
  it('control: a plain message with a card number bounces and is redacted', async () => {
    const out = await run(mail([...HEAD, 'Content-Type: text/plain', '', `card ${CARD}`, '']));
    expect(types(out)).toEqual(['BOUNCE']);
    expect(out.status).toBe('updated');
    expect(out.bytes.toString()).not.toContain(CARD);
  });

  it.each([
    ['1,001 parts', () => manyParts(1001), 'MIME_TOO_MANY_PARTS'],
    ['51 nesting levels', () => deep(51), 'MIME_TOO_DEEP'],
    ['a 1.1 MB header', hugeHeader, 'MIME_HEADER_TOO_LARGE'],
  ])('over a parser limit (%s): delivered unmodified, the blocking rule still blocks', async (_name, make, code) => {
    const bytes = make();
    const out = await run(bytes);
    expect(out.status).toBe('uninspectable');
    expect(out.uninspectable?.code).toBe(code);
    expect(out.bytes).toBe(bytes);
    expect(types(out)).toEqual(['BOUNCE']);
    expect(out.actions[0]).toMatchObject({ bounceMessage: 'No cards.' });
    const [disclaimer, redact] = out.reports;
    expect(disclaimer).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/could not inspect the message .*skipped by policy/) });
    expect(redact).toMatchObject({ status: 'applied', uninspectable: expect.stringContaining('could not inspect') });
  });

  it.each([
    ['multipart/mixed without a boundary', noBoundary],
    ['a multipart whose only content is text before the closing delimiter', onlyPreamble],
  ])('%s: uninspectable, so the bounce stands', async (_name, make) => {
    const bytes = make();
    const out = await run(bytes);
    // Readers show such a body as raw text no rule can reason about: uninspectable, and DLP fails closed.
    expect(out.status).toBe('uninspectable');
    expect(out.bytes).toBe(bytes);
    expect(types(out)).toEqual(['BOUNCE']);
  });

  it('a rule that throws does not stop the next, and follows its policy; the content is not delivered', async () => {
    const config = dlp();
    const thrower = { name: 'buggy', type: 'custom', run: () => Promise.reject(new Error('boom')), onUninspectable: () => [{ type: 'DROP' as const }] };
    const out = await processMessage({
      bytes: mail([...HEAD, 'Content-Type: text/plain', '', `card ${CARD}`, '']),
      envelope: outbound,
      rules: [config.rules[0]!, thrower, config.rules[1]!],
      orgDomains: ['example.com'],
      platform: WORKMAIL_PLATFORM,
    });
    expect(out.reports.map((r) => r.status)).toEqual(['applied', 'failed', 'applied']);
    expect(types(out)).toEqual(['DROP', 'BOUNCE']);
    expect(out.status).toBe('declined');
    expect(out.reasons).toEqual(['rule "buggy" failed: boom']);
  });

  it('policy can be overridden per rule, and defaults to skip for non-blocking finds', async () => {
    expect(types(await run(manyParts(1001), dlp({ onUninspectable: 'skip' })))).toEqual([]);
    expect(types(await run(manyParts(1001), dlp({ onFind: { action: 'MOVE_TO_JUNK' } })))).toEqual([]);
    expect(() => dlp({ onFind: undefined, onUninspectable: 'apply' })).toThrow(/onUninspectable: "apply" needs an onFind action/);
  });

  it('header-level conditions still evaluate on an uninspectable message; unknown ones fail closed', async () => {
    const config = parseRulesConfig(
      {
        rules: [
          { type: 'action', name: 'by-subject', action: 'BOUNCE', bounceMessage: 'subject', when: { subject: { pattern: '^invoice$' } } },
          { type: 'action', name: 'by-other-subject', action: 'BOUNCE', bounceMessage: 'other', when: { subject: { pattern: '^payroll$' } } },
          { type: 'action', name: 'by-attachment', action: 'DROP', when: { attachment: { extensions: ['exe'] } } },
          {
            type: 'action',
            name: 'by-attachment-or-inbound',
            action: 'DROP',
            when: { any: [{ direction: 'INBOUND' }, { attachment: { extensions: ['js'] } }] },
          },
          { type: 'action', name: 'inbound-only', action: 'DROP', when: { direction: 'INBOUND' } },
        ],
      },
      { platform: WORKMAIL_PLATFORM },
    );
    const out = await run(deep(60), config);
    expect(out.reports.map((r) => [r.name, r.status])).toEqual([
      ['by-subject', 'applied'],
      ['by-other-subject', 'skipped'],
      ['by-attachment', 'applied'],
      ['by-attachment-or-inbound', 'applied'],
      ['inbound-only', 'skipped'],
    ]);
    // The same attachment conditions on a parseable message are simply false.
    const plain = await run(mail([...HEAD, 'Content-Type: text/plain', '', 'hello', '']), config);
    expect(plain.reports.map((r) => r.status)).toEqual(['applied', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('when the time budget is spent, rules not started follow their policy', async () => {
    const controller = new AbortController();
    controller.abort();
    const out = await run(mail([...HEAD, 'Content-Type: text/plain', '', 'no card here', '']), dlp(), { signal: controller.signal });
    expect(types(out)).toEqual(['BOUNCE']);
    expect(out.status).toBe('unchanged');
    expect(out.reports.map((r) => r.reason)).toEqual([
      expect.stringMatching(/time budget .*skipped by policy/),
      expect.stringMatching(/time budget .*applied BOUNCE by policy/),
    ]);
  });

  it('without the message at all, only envelope conditions evaluate', async () => {
    const config = dlp();
    const outboundExternal = await decideWithoutInspection({
      envelope: outbound,
      rules: config.rules,
      orgDomains: config.orgDomains,
      platform: WORKMAIL_PLATFORM,
      reason: 'fetch failed',
    });
    expect(types(outboundExternal)).toEqual(['BOUNCE']);
    const inbound = await decideWithoutInspection({
      envelope: { direction: 'INBOUND', mailFrom: 'x@partner.org', recipients: ['alice@example.com'] },
      rules: config.rules,
      orgDomains: config.orgDomains,
      platform: WORKMAIL_PLATFORM,
      reason: 'fetch failed',
    });
    expect(types(inbound)).toEqual([]);
  });
});

describe('processMessage: what no rule meant to change keeps its bytes', () => {
  const disclaimer = parseRulesConfig({ rules: [{ type: 'disclaimer', text: 'Confidential.' }] }, { platform: WORKMAIL_PLATFORM });
  const go = (bytes: Buffer, rules = disclaimer.rules) =>
    processMessage({ bytes, envelope: outbound, rules, orgDomains: ['example.com'], platform: WORKMAIL_PLATFORM });

  it('Latin-1 bytes labelled utf-8 come out as they went in, the disclaimer added beside them', async () => {
    const body = Buffer.from('Caf\xe9 cr\xe8me br\xfbl\xe9e\r\n', 'latin1');
    const bytes = Buffer.concat([mail([...HEAD, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', '']), body]);
    const out = await go(bytes);
    expect(out.status).toBe('updated');
    expect(out.bytes.indexOf(body)).toBeGreaterThan(0);
    expect(out.bytes.includes(Buffer.from('\uFFFD', 'utf8'))).toBe(false);
    expect(out.bytes.toString('latin1')).toContain('Confidential.');
  });

  it('the pre-flight refuses bare CR or LF the original did not have', async () => {
    const sneaky = {
      name: 'sneaky',
      type: 'custom',
      run: (ctx: { message: { root: { replaceRawBody(b: Buffer): void } } }) => ctx.message.root.replaceRawBody(Buffer.from('one\rtwo\r\n')),
    };
    const out = await go(mail([...HEAD, 'Content-Type: text/plain', '', 'hello', '']), [sneaky as never]);
    expect(out.status).toBe('declined');
    expect(out.problems.map((p) => p.code)).toContain('BARE_LINE_BREAK');
    expect(out.bytes.toString()).toContain('hello');
  });

  it('a digest member without Content-Type is an attached message: never edited', async () => {
    const member = ['From: x@partner.org', 'Subject: member', '', 'member body, card 4111 1111 1111 1111', ''];
    const bytes = mail([...HEAD, 'Content-Type: multipart/digest; boundary=d', '', '--d', '', ...member, '--d--', '']);
    const out = await go(bytes, dlp().rules);
    expect(out.bytes.indexOf(Buffer.from(member.join('\r\n')))).toBeGreaterThan(0);
  });
});
