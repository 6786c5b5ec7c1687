import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { BUILTIN_RULE_TYPES, ConfigError, defineRule, defineRuleType, loadRulesFile, parseRulesConfig } from '../../lib/rules/index.js';

function problems(json: unknown): string[] {
  try {
    parseRulesConfig(json, { platform: WORKMAIL_PLATFORM });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('rules configuration', () => {
  it('builds every built-in rule from JSON', () => {
    const config = parseRulesConfig({
      orgDomains: ['Example.com'],
      rules: [
        { type: 'subject-tag', tag: '[EXTERNAL]', when: { direction: 'inbound', senderIs: 'external' } },
        { type: 'disclaimer', name: 'legal', text: 'Sent by {{sender}}', html: '<p>Sent by {{sender}}</p>', position: 'bottom', onProtected: 'wrap' },
        {
          type: 'redact',
          detectors: ['payment-card', { id: 'ticket', pattern: 'TICKET-\\d+' }],
          mask: { style: 'keep-last', keep: 4 },
          onFind: { action: 'BOUNCE', bounceMessage: 'no' },
        },
        { type: 'header', operations: [{ op: 'add', name: 'X-Processed-By', value: 'wmflow' }] },
        { type: 'action', action: 'MOVE_TO_JUNK', when: { header: { name: 'X-Spam-Score', matches: { pattern: '^[5-9]' } } } },
      ],
    });
    expect(config.orgDomains).toEqual(['example.com']);
    expect(config.rules.map((r) => `${r.type}:${r.name}`)).toEqual([
      'subject-tag:subject-tag',
      'disclaimer:legal',
      'redact:redact',
      'header:header',
      'action:action-move_to_junk',
    ]);
  });

  it('reports every problem at once, with paths and suggestions', () => {
    expect(
      problems({
        rules: [
          { type: 'disclamer', text: 'x' },
          { type: 'disclaimer', text: 'x', positon: 'top' },
          { type: 'redact', detectors: ['payment-card', 'credit_card'] },
          { type: 'header', operations: [{ op: 'set', name: 'Message-ID', value: 'x' }] },
          { type: 'subject-tag', tag: '[EXT]', when: { sender: 'a+b@example.com', subject: { pattern: '(' } } },
          { type: 'disclaimer', text: 'Hi {{senderName}}' },
          { type: 'action', action: 'EXPLODE' },
          { type: 'subject-tag', tag: '[A]' },
          { type: 'subject-tag', tag: '[B]' },
          { type: 'action', action: 'DROP', when: { subject: { pattern: '^(a+)\\1$' } } },
        ],
      }),
    ).toEqual([
      'rules[0].type: unknown rule type "disclamer" (did you mean "disclaimer"?)',
      'rules[1]: unknown option "positon" (did you mean "position"?)',
      'rules[2].detectors[1]: unknown detector "credit_card" (did you mean "payment-card"?)',
      'rules[3].operations[0]: cannot set Message-ID: Message-ID is immutable in WorkMail: updates that change it are rejected',
      'rules[4].when.sender: "a+b@example.com": "+" is not allowed in a pattern',
      expect.stringMatching(/^rules\[4\]\.when\.subject\.pattern: invalid regular expression/),
      'rules[5].text: unknown template field {{senderName}}; use sender, recipients, date or direction',
      expect.stringMatching(/^rules\[6\]\.action: /),
      'rules[8].name: "subject-tag" is already the name of rules[7]; give each rule its own name',
      'rules[9].when.subject.pattern: backreferences like \\1 are not supported: patterns run in linear time (RE2 syntax)',
    ]);
  });

  it('rejects a malformed top level and names the file for JSON syntax errors', () => {
    expect(problems({ rule: [] })).toEqual([expect.stringMatching(/^rules: /), '(root): unknown option "rule" (did you mean "rules"?)']);
    const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-'));
    const file = path.join(dir, 'rules.json');
    writeFileSync(file, '{"rules": [,]}');
    expect(() => loadRulesFile(file)).toThrow(new RegExp(`invalid ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\n  not valid JSON`));
    expect(() => loadRulesFile(path.join(dir, 'missing.json'))).toThrow(/cannot read .*missing.json: ENOENT/);
  });

  it('accepts custom rule types registered beside the built-ins', () => {
    const types = {
      ...BUILTIN_RULE_TYPES,
      'block-extensions': defineRuleType({
        schema: z.object({ type: z.string(), name: z.string().optional(), extensions: z.array(z.string()).min(1) }).strict(),
        create: (o) => defineRule({ name: o.name ?? 'block-extensions', run: () => undefined }),
      }),
    };
    expect(parseRulesConfig({ rules: [{ type: 'block-extensions', extensions: ['exe'] }] }, { types }).rules[0]!.name).toBe('block-extensions');
    expect(() => parseRulesConfig({ rules: [{ type: 'block-extensions', extensions: [] }] }, { types })).toThrow(/rules\[0\]\.extensions: /);
  });
});
