import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRulesConfig, runRules, BUILTIN_RULE_TYPES, GENERIC_PLATFORM } from 'wmflow';
import { parseMessage } from 'wmflow/mime';
import { ruleTypes } from './keyword-flag.js';

const config = parseRulesConfig(
  { orgDomains: ['example.com'], rules: [{ type: 'keyword-flag', keywords: ['invoice'] }] },
  { types: { ...BUILTIN_RULE_TYPES, ...ruleTypes }, platform: GENERIC_PLATFORM },
);

async function flag(subject: string) {
  const message = await parseMessage(Buffer.from(`From: a@partner.example.org\r\nTo: b@example.com\r\nSubject: ${subject}\r\n\r\nHello\r\n`));
  const result = await runRules(config.rules, {
    message,
    direction: 'INBOUND',
    mailFrom: 'a@partner.example.org',
    recipients: ['b@example.com'],
    orgDomains: ['example.com'],
    now: new Date(),
  });
  return result.message.headers.get('x-keyword-flag');
}

test('flags a subject with a keyword, case-insensitively', async () => {
  assert.deepEqual(await flag('Your INVOICE for May'), ['invoice']);
});

test('leaves other subjects alone', async () => {
  assert.deepEqual(await flag('Lunch?'), []);
});

test('refuses unknown options when the rules are loaded', () => {
  assert.throws(
    () => parseRulesConfig({ rules: [{ type: 'keyword-flag', keywords: ['x'], colour: 'red' }] }, { types: { ...BUILTIN_RULE_TYPES, ...ruleTypes } }),
    /unknown option "colour"/,
  );
});
