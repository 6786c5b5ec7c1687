import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { paymentCard } from '../../lib/redaction/index.js';
import { redactRule } from '../../lib/rules/index.js';
import { run } from '../support/run.js';
import { mail } from '../support/samples.js';

const CARD = '4111 1111 1111 1111';
const head = ['From: a@example.com', 'To: b@partner.org', 'Subject: figures', 'Date: Mon, 1 Jan 2024 00:00:00 +0000', 'MIME-Version: 1.0'];
const bounce = { action: 'BOUNCE' as const, bounceMessage: 'no cards' };

/** A mixed message: a clean first body, a second inline text, a CSV attachment and a file name. */
const message = (csvCard: string, name = 'report.csv') =>
  mail([
    ...head,
    'Content-Type: multipart/mixed; boundary=m',
    '',
    '--m',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Hello, nothing here.',
    '--m',
    'Content-Type: text/html; charset=us-ascii',
    '',
    `<p>Card: 4111 <b>1111</b> 1111 <i>1111</i></p>`,
    '--m',
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Disposition: inline',
    '',
    'P.S. the other one is 4111.1111.1111.1111',
    '--m',
    `Content-Type: text/csv; name=${name}`,
    `Content-Disposition: attachment; filename=${name}`,
    '',
    `name,card\r\nalice,${csvCard}`,
    '--m--',
    '',
  ]);

/** Card numbers a reader can see in the decoded output, by an independent parser. */
async function visibleCards(bytes: Buffer): Promise<number> {
  const parsed = await simpleParser(bytes);
  // mailparser's text joins every inline part, HTML ones as text.
  const texts = [parsed.text ?? '', ...parsed.attachments.map((a) => a.content.toString('utf8'))];
  return texts.reduce((n, t) => n + paymentCard.find(t.replace(/\s+/g, ' ')).length, 0);
}

describe('redact sees everything a person can read', () => {
  it('finds cards in every inline part, split by tags or dots, and in text attachments; masks attachments only when asked', async () => {
    const input = message(CARD);
    expect(await visibleCards(input)).toBe(3);

    const bodiesOnly = await run([redactRule({ detectors: [paymentCard], onFind: bounce })], input, { direction: 'OUTBOUND', recipients: ['b@partner.org'] });
    expect(bodiesOnly.reports[0]!.counts['payment-card']).toBe(3);
    expect(bodiesOnly.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'no cards' }]);
    // The CSV is outside the default scopes: found and reported, not masked.
    expect(await visibleCards(bodiesOnly.output)).toBe(1);
    expect(bodiesOnly.reports[0]!.changes.some((c) => /outside the rule's scopes/.test(c))).toBe(true);

    const everything = await run([redactRule({ detectors: [paymentCard], scopes: ['subject', 'text', 'html', 'attachments'] })], input);
    expect(everything.reports[0]!.counts['payment-card']).toBe(3);
    expect(await visibleCards(everything.output)).toBe(0);
  });

  it('reads attachment file names', async () => {
    const input = message('none', 'card-4111111111111111.csv');
    const out = await run([redactRule({ detectors: [paymentCard], onFind: bounce })], input);
    expect(out.reports[0]!.counts['payment-card']).toBe(3); // two bodies and the file name
    expect(out.reports[0]!.changes.some((c) => /file name/.test(c))).toBe(true);
  });
});
