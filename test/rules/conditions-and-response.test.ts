import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/index.js';
import { evaluateCondition, type Condition } from '../../lib/rules/index.js';
import { buildResponse } from '../../lib/workmail/response.js';
import { matchesPattern, patternSpecificity, validatePattern } from '../../lib/rules/address-pattern.js';
import { mail } from '../support/samples.js';

const message = await parseMessage(
  mail([
    'From: a@example.org',
    'Subject: Invoice 42',
    'X-Spam-Score: 7.5',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    '',
    'hi',
    '--b',
    'Content-Type: application/x-msdownload',
    'Content-Disposition: attachment; filename="setup.EXE"',
    '',
    'MZ',
    '--b--',
    '',
  ]),
);
const input = {
  direction: 'OUTBOUND' as const,
  mailFrom: 'me@example.com',
  sender: undefined,
  recipients: ['x@example.com', 'y@partner.org'],
  orgDomains: ['example.com'],
  message,
};
const holds = (c: Condition) => evaluateCondition(c, input);

describe('conditions', () => {
  it('evaluates every kind of condition', () => {
    expect(holds({ direction: 'OUTBOUND' })).toBe(true);
    expect(holds({ direction: 'INBOUND' })).toBe(false);
    expect(holds({ sender: 'example.com' })).toBe(true);
    expect(holds({ recipient: ['*.partner.org'] })).toBe(true);
    expect(holds({ senderIs: 'internal' })).toBe(true);
    expect(holds({ recipients: 'anyExternal' })).toBe(true);
    expect(holds({ recipients: 'allInternal' })).toBe(false);
    expect(holds({ header: { name: 'x-spam-score', matches: { pattern: '^[5-9]' } } })).toBe(true);
    expect(holds({ header: { name: 'x-absent' } })).toBe(false);
    expect(holds({ subject: { pattern: 'invoice', flags: 'i' } })).toBe(true);
    expect(holds({ attachment: { extensions: ['.exe'] } })).toBe(true);
    expect(holds({ attachment: { contentTypes: ['application/*'] } })).toBe(true);
    expect(holds({ attachment: { extensions: ['pdf'] } })).toBe(false);
    expect(holds({ sizeOver: 10 })).toBe(true);
    expect(holds({ sizeOver: 1e9 })).toBe(false);
    expect(holds({ signedOrEncrypted: false })).toBe(true);
  });

  it('combines with all/any/not and implicit all', () => {
    expect(holds({ all: [{ direction: 'OUTBOUND' }, { not: { senderIs: 'external' } }] })).toBe(true);
    expect(holds({ any: [{ direction: 'INBOUND' }, { sizeOver: 1e9 }] })).toBe(false);
    expect(holds({ direction: 'OUTBOUND', sizeOver: 1e9 })).toBe(false);
  });
});

describe('WorkMail address patterns', () => {
  it('matches addresses, domains, wildcard domains and * case-insensitively', () => {
    expect(matchesPattern('A@Example.com', 'a@example.com')).toBe(true);
    expect(matchesPattern('a@example.com', 'example.com')).toBe(true);
    expect(matchesPattern('a@sub.example.com', 'example.com')).toBe(false);
    expect(matchesPattern('a@sub.example.com', '*.example.com')).toBe(true);
    expect(matchesPattern('a@example.com', '*.example.com')).toBe(true);
    expect(matchesPattern('a@notexample.com', '*.example.com')).toBe(false);
    expect(matchesPattern('anyone@anywhere.net', '*')).toBe(true);
  });

  it('validates patterns and orders them by specificity', () => {
    expect(validatePattern('a+b@example.com')).toMatch(/"\+" is not allowed/);
    expect(validatePattern('not a domain')).toBeDefined();
    expect(validatePattern('*.example.com')).toBeUndefined();
    const ordered = ['*', '*.example.com', 'example.com', 'a@example.com'].map(patternSpecificity);
    expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
  });
});

describe('buildResponse', () => {
  const rcpts = ['a@example.com', 'b@example.com', 'c@example.com'];

  it('answers DEFAULT for all when nothing was asked', () => {
    expect(buildResponse([], rcpts, 'INBOUND')).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });

  it('lets the strongest action win per recipient and keeps allRecipients for the rest', () => {
    const r = buildResponse(
      [{ type: 'MOVE_TO_JUNK' }, { type: 'DROP', recipients: ['B@example.com'] }, { type: 'BYPASS_SPAM_CHECK', recipients: ['c@example.com'] }],
      rcpts,
      'INBOUND',
    );
    expect(r.actions).toEqual([
      { action: { type: 'DROP' }, recipients: ['b@example.com'] },
      { action: { type: 'MOVE_TO_JUNK' }, allRecipients: true },
    ]);
  });

  it('drops inbound-only types from outbound responses', () => {
    expect(buildResponse([{ type: 'MOVE_TO_JUNK' }], rcpts, 'OUTBOUND')).toEqual({ actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] });
  });

  it('stays within 10 unique actions by widening, never losing, a policy decision', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ type: 'BOUNCE' as const, bounceMessage: `reason ${i}`, recipients: [`r${i}@example.com`] }));
    const r = buildResponse(
      many,
      many.map((m) => m.recipients[0]!),
      'INBOUND',
    );
    expect(r.actions.length).toBeLessThanOrEqual(10);
    expect(r.actions.every((a) => a.action.type === 'BOUNCE')).toBe(true);
    expect(r.actions.some((a) => a.allRecipients === true)).toBe(true);
  });

  it('keeps outbound responses within 500 listed recipients and 256 KB', () => {
    const recipients = Array.from({ length: 800 }, (_, i) => `user${i}@partner.org`);
    const r = buildResponse([{ type: 'DROP', recipients: recipients.slice(0, 700) }], recipients, 'OUTBOUND');
    const listed = r.actions.reduce((n, a) => n + (a.recipients?.length ?? 0), 0);
    expect(listed).toBeLessThanOrEqual(500);
    expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThanOrEqual(256 * 1024);
    expect(r.actions.find((a) => a.allRecipients)!.action.type).toBe('DROP');
  });
});
