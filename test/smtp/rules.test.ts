import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { processMessage } from '../../lib/core/index.js';
import { loadRulesFile } from '../../lib/rules/index.js';
import { SMTP_PLATFORM, type SmtpFilter, type SmtpFilterEvent } from '../../lib/smtp/index.js';
import { manyPartsMail, TEST_CARD } from '../support/hostile-mail.js';
import { mail, sample, SAMPLES_DIR } from '../support/samples.js';
import { onTheWire, rules, send, startFilter, startSink, type Sink } from './support.js';

const CARD = TEST_CARD;
const HEAD = [
  'From: Alice <alice@example.com>',
  'To: bob@partner.org',
  'Subject: hello',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@example.com>',
  'MIME-Version: 1.0',
];
const plain = (body: string) => mail([...HEAD, 'Content-Type: text/plain; charset=us-ascii', '', body, '']);
const manyParts = (n: number) => manyPartsMail(HEAD, n);

const CONFIG = rules({
  orgDomains: ['example.com'],
  rules: [
    { type: 'disclaimer', name: 'footer', text: 'Example Corp legal footer.', when: { direction: 'OUTBOUND' } },
    {
      type: 'redact',
      name: 'dlp',
      detectors: ['payment-card'],
      when: { direction: 'OUTBOUND', recipients: 'anyExternal' },
      onFind: { action: 'BOUNCE', bounceMessage: 'Card numbers may not leave the company.' },
    },
    { type: 'action', name: 'drop-noreply', action: 'DROP', when: { subject: { pattern: '^drop me' } } },
    { type: 'action', name: 'bounce-blocked', action: 'BOUNCE', bounceMessage: 'This mailbox is closed.', recipients: ['closed@partner.org'] },
    { type: 'action', name: 'junk-spam', action: 'MOVE_TO_JUNK', when: { header: { name: 'X-Spam-Score', matches: { pattern: '^[5-9]' } } } },
    { type: 'action', name: 'junk-one', action: 'MOVE_TO_JUNK', recipients: ['spamlover@example.com'] },
  ],
});

describe('wmflow smtp applies the rules as the engine does', () => {
  let sink: Sink;
  let filter: SmtpFilter;
  let port: number;
  let events: SmtpFilterEvent[];
  beforeAll(async () => {
    sink = await startSink();
    ({ filter, port, events } = await startFilter(CONFIG, sink.port));
  });
  afterAll(async () => {
    await filter.close();
    await sink.close();
  });
  const relayed = async (from: string, to: string[], bytes: Buffer) => {
    const before = sink.messages.length;
    const result = await send(port, from, to, bytes);
    return { result, got: sink.messages.slice(before) };
  };

  it('a disclaimer: the relayed bytes are the engine run directly on the same input', async () => {
    const bytes = onTheWire(plain('Hi Bob, see you.'));
    const { result, got } = await relayed('alice@example.com', ['bob@partner.org'], bytes);
    expect(result.ok).toBe(true);
    const oracle = await processMessage({
      bytes,
      envelope: { direction: 'OUTBOUND', mailFrom: 'alice@example.com', recipients: ['bob@partner.org'] },
      rules: CONFIG.rules,
      orgDomains: CONFIG.orgDomains,
      platform: SMTP_PLATFORM,
      now: new Date(),
    });
    expect(oracle.status).toBe('updated');
    expect(got).toHaveLength(1);
    expect(got[0]!.bytes.equals(oracle.bytes)).toBe(true);
    const parsed = await simpleParser(got[0]!.bytes);
    expect(parsed.text).toContain('Hi Bob, see you.');
    expect(parsed.text).toContain('Example Corp legal footer.');
    expect(parsed.messageId).toBe('<1@example.com>');
  });

  it('BOUNCE for every recipient: 550 with the bounce text after DATA, nothing relayed', async () => {
    const { result, got } = await relayed('alice@example.com', ['bob@partner.org'], plain(`my card ${CARD}`));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.responseCode).toBe(550);
    expect(result.response).toContain('Card numbers may not leave the company.');
    expect(got).toHaveLength(0);
  });

  it('BOUNCE for some recipients: the others get it, 250, the bounced ones are reported', async () => {
    const { result, got } = await relayed('carol@partner.org', ['closed@partner.org', 'dave@example.com'], plain('hello'));
    expect(result.ok).toBe(true);
    expect(got).toHaveLength(1);
    expect(got[0]!.recipients).toEqual(['dave@example.com']);
    const event = events.findLast((e) => e.type === 'message');
    expect(event).toMatchObject({
      bounced: [{ recipient: 'closed@partner.org', message: 'This mailbox is closed.' }],
      relayed: ['dave@example.com'],
      reply: { code: 250 },
    });
  });

  it('BOUNCE for some recipients with partialBounce "reject": 550 for the message, nothing relayed', async () => {
    const strict = await startFilter(CONFIG, sink.port, { partialBounce: 'reject' });
    try {
      const before = sink.messages.length;
      const result = await send(strict.port, 'carol@partner.org', ['closed@partner.org', 'dave@example.com'], plain('hello'));
      expect(result.ok ? 250 : result.responseCode).toBe(550);
      expect(sink.messages.length).toBe(before);
    } finally {
      await strict.filter.close();
    }
  });

  it('DROP: 250 and the next hop receives nothing', async () => {
    const { result, got } = await relayed('carol@partner.org', ['dave@example.com'], mail(['From: carol@partner.org', 'Subject: drop me please', '', 'x', '']));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.info.response).toMatch(/^250 .*dropped/);
    expect(got).toHaveLength(0);
  });

  it('MOVE_TO_JUNK: X-Spam-Flag: YES spliced into the top header block, every other byte unchanged', async () => {
    const bytes = onTheWire(mail(['From: carol@partner.org', 'To: dave@example.com', 'X-Spam-Score: 7.5', 'Subject: cheap', '', 'buy now', '']));
    const { result, got } = await relayed('carol@partner.org', ['dave@example.com'], bytes);
    expect(result.ok).toBe(true);
    expect(got).toHaveLength(1);
    const text = got[0]!.bytes.toString();
    expect((await simpleParser(got[0]!.bytes)).headers.get('x-spam-flag')).toBe('YES');
    expect(text.replace('X-Spam-Flag: YES\r\n', '')).toBe(bytes.toString());
    expect(text.indexOf('X-Spam-Flag')).toBeLessThan(text.indexOf('\r\n\r\n'));
  });

  it('MOVE_TO_JUNK for one recipient only: two transactions, the header only for that one', async () => {
    const bytes = onTheWire(mail(['From: carol@partner.org', 'Subject: hi', '', 'x', '']));
    const { result, got } = await relayed('carol@partner.org', ['dave@example.com', 'spamlover@example.com'], bytes);
    expect(result.ok).toBe(true);
    expect(got.map((m) => [m.recipients, m.bytes.includes('X-Spam-Flag: YES')])).toEqual([
      [['dave@example.com'], false],
      [['spamlover@example.com'], true],
    ]);
    expect(got[0]!.bytes.equals(bytes)).toBe(true);
  });

  it('uninspectable (1,001 parts) with a DLP bounce rule: 550, nothing relayed', async () => {
    const { result, got } = await relayed('alice@example.com', ['bob@partner.org'], manyParts(1001));
    expect(result.ok ? 250 : result.responseCode).toBe(550);
    if (!result.ok) expect(result.response).toContain('Card numbers may not leave the company.');
    expect(got).toHaveLength(0);
    expect(events.findLast((e) => e.type === 'message')).toMatchObject({ status: 'uninspectable' });
  });

  it('samples/rules.json: inbound external mail is tagged and warned, bytes as the engine gives them', async () => {
    const config = loadRulesFile(path.join(SAMPLES_DIR, 'rules.json'), { platform: SMTP_PLATFORM });
    const sampleFilter = await startFilter(config, sink.port);
    try {
      const bytes = onTheWire(sample('plain-ascii.eml'));
      const before = sink.messages.length;
      const result = await send(sampleFilter.port, 'partner@partner.example.org', ['user@example.com'], bytes);
      expect(result.ok).toBe(true);
      const got = sink.messages.slice(before);
      const oracle = await processMessage({
        bytes,
        envelope: { direction: 'INBOUND', mailFrom: 'partner@partner.example.org', recipients: ['user@example.com'] },
        rules: config.rules,
        orgDomains: config.orgDomains,
        platform: SMTP_PLATFORM,
      });
      expect(got).toHaveLength(1);
      expect(got[0]!.bytes.equals(oracle.bytes)).toBe(true);
      const parsed = await simpleParser(got[0]!.bytes);
      expect(parsed.subject).toBe('[EXTERNAL] Lunch on Thursday?');
      expect(parsed.text).toMatch(/^CAUTION: This email came from outside Example Corp/);
    } finally {
      await sampleFilter.filter.close();
    }
  });
});
