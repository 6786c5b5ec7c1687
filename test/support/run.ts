import { parseMessage } from '../../lib/mime/index.js';
import { runRules, type Rule, type RulePlatform } from '../../lib/rules/index.js';
import type { FlowDirection } from '../../lib/rules/delivery.js';

/** Runs rules over raw bytes with a typical envelope; returns the result and output bytes. */
export async function run(
  rules: Rule[],
  input: Buffer,
  envelope: { direction?: FlowDirection; mailFrom?: string; recipients?: string[]; orgDomains?: string[]; platform?: RulePlatform } = {},
) {
  const message = await parseMessage(input);
  const result = await runRules(rules, {
    message,
    direction: envelope.direction ?? 'INBOUND',
    mailFrom: envelope.mailFrom ?? 'someone@example.org',
    recipients: envelope.recipients ?? ['user@example.com'],
    orgDomains: envelope.orgDomains ?? ['example.com'],
    now: new Date('2026-11-25T10:00:00Z'),
    ...(envelope.platform ? { platform: envelope.platform } : {}),
  });
  return { ...result, output: result.message.toBuffer() };
}
