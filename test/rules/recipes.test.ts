import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { processMessage, type ProcessOutcome } from '../../lib/core/index.js';
import { detectSecurity, headerAddresses, parseHeadersOnly, parseMessage } from '../../lib/mime/index.js';
import { isInternal, loadRulesFile, type RulesConfig } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { emlFiles, mail, SAMPLES_DIR } from '../support/samples.js';

const RECIPES = path.join(SAMPLES_DIR, 'recipes');
const recipeFile = (name: string) => path.join(RECIPES, `${name}.json`);

/** A message with a 2 MB attachment beside a small one: no sample is that large. */
function largeAttachment(): Buffer {
  const big = Buffer.alloc(2 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
  return mail([
    'From: partner@partner.example.org',
    'To: user@example.com',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    'Message-ID: <big@partner.example.org>',
    'Subject: Big file',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=b',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Here it is.',
    '--b',
    'Content-Type: application/octet-stream',
    'Content-Disposition: attachment; filename="dump.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    big.toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--b',
    'Content-Type: text/csv',
    'Content-Disposition: attachment; filename="small.csv"',
    '',
    'a,b',
    '--b--',
    '',
  ]);
}

const inputs: [string, Buffer][] = [
  ...emlFiles(SAMPLES_DIR).map((f): [string, Buffer] => [path.basename(f), readFileSync(f)]),
  ['generated/large-attachment.eml', largeAttachment()],
];

interface Replayed {
  name: string;
  input: Buffer;
  direction: 'INBOUND' | 'OUTBOUND';
  outcome: ProcessOutcome;
  before: ParsedMail;
  after: ParsedMail;
}

/** Replays every input the way `wmflow replay` picks the envelope: direction from the From domain. */
async function replay(config: RulesConfig): Promise<Replayed[]> {
  const out: Replayed[] = [];
  for (const [name, input] of inputs) {
    const headers = parseHeadersOnly(input).headers;
    const from = headerAddresses(headers, 'from')[0] ?? 'unknown@unknown.invalid';
    const direction = isInternal(from, config.orgDomains) ? 'OUTBOUND' : 'INBOUND';
    const all = headerAddresses(headers, 'to', 'cc');
    const recipients = direction === 'INBOUND' ? all.filter((r) => isInternal(r, config.orgDomains)) : all;
    const outcome = await processMessage({
      bytes: input,
      envelope: { direction, mailFrom: from, recipients: recipients.length ? recipients : ['user@example.com'] },
      rules: config.rules,
      orgDomains: config.orgDomains,
      platform: WORKMAIL_PLATFORM,
      now: new Date('2026-12-01T10:00:00Z'),
    });
    out.push({ name, input, direction, outcome, before: await simpleParser(input), after: await simpleParser(outcome.bytes) });
  }
  return out;
}

const text = (m: ParsedMail) => `${m.text ?? ''}\n${typeof m.html === 'string' ? m.html : ''}`;
const isProtected = async (bytes: Buffer) => {
  const s = detectSecurity(await parseMessage(bytes));
  return s.signed || s.encrypted;
};

describe('samples/recipes', () => {
  it('every recipe loads with the WorkMail platform', () => {
    const names = readdirSync(RECIPES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(names).toEqual([
      'audit-first.json',
      'block-executables.json',
      'dlp-bounce.json',
      'external-sender-banner.json',
      'legal-disclaimer.json',
      'strip-attachments-over-1mb.json',
      'subject-tag.json',
    ]);
    for (const n of names) expect(loadRulesFile(path.join(RECIPES, n), { platform: WORKMAIL_PLATFORM }).rules.length).toBeGreaterThan(0);
  });

  it('external-sender-banner: inbound external mail gets the banner on top, outbound none', async () => {
    const banner = 'CAUTION: This email came from outside the organisation.';
    const runs = await replay(loadRulesFile(recipeFile('external-sender-banner'), { platform: WORKMAIL_PLATFORM }));
    const bannered = runs.filter((r) => r.outcome.status === 'updated');
    expect(bannered.length).toBeGreaterThanOrEqual(10);
    for (const r of bannered) {
      expect(r.direction).toBe('INBOUND');
      expect(text(r.after)).toContain(banner);
      if (r.after.text && !text(r.before).includes(banner)) expect(r.after.text.trimStart().startsWith('CAUTION')).toBe(true);
    }
    for (const r of runs.filter((x) => x.direction === 'OUTBOUND')) expect(r.outcome.bytes.equals(r.input)).toBe(true);
  });

  it('legal-disclaimer: outbound mail to external recipients ends with it', async () => {
    const runs = await replay(loadRulesFile(recipeFile('legal-disclaimer'), { platform: WORKMAIL_PLATFORM }));
    const updated = runs.filter((r) => r.outcome.status === 'updated');
    expect(updated.length).toBeGreaterThanOrEqual(1);
    for (const r of updated) {
      expect(r.direction).toBe('OUTBOUND');
      expect(r.after.text?.trimEnd()).toMatch(/This message is confidential and intended for .+ only\.$/);
    }
    for (const r of runs.filter((x) => x.direction === 'INBOUND')) expect(r.outcome.status).toBe('unchanged');
  });

  it('block-executables: bounces exactly the messages with an executable attachment', async () => {
    const runs = await replay(loadRulesFile(recipeFile('block-executables'), { platform: WORKMAIL_PLATFORM }));
    const executable = /\.(exe|com|scr|pif|bat|cmd|msi|js|jse|vbs|vbe|wsf|ps1|hta|jar)$/i;
    let bounced = 0;
    for (const r of runs) {
      const hasExe = r.before.attachments.some((a) => executable.test(a.filename ?? '') || a.content.subarray(0, 2).toString('latin1') === 'MZ');
      const bounce = r.outcome.actions.some((a) => a.type === 'BOUNCE');
      expect(bounce, r.name).toBe(hasExe);
      expect(r.outcome.bytes.equals(r.input)).toBe(true);
      if (bounce) bounced++;
    }
    expect(bounced).toBeGreaterThanOrEqual(2);
  });

  it('strip-attachments-over-1mb: removes each attachment over the limit; none is left', async () => {
    const config = loadRulesFile(recipeFile('strip-attachments-over-1mb'), { platform: WORKMAIL_PLATFORM });
    const limit =
      (JSON.parse(readFileSync(recipeFile('strip-attachments-over-1mb'), 'utf8')) as { rules: { match: { minSize: number } }[] }).rules[0]!.match.minSize - 1;
    const runs = await replay(config);
    const removed = runs.reduce((n, r) => n + (r.outcome.reports[0]!.counts['attachments.removed'] ?? 0), 0);
    expect(removed).toBeGreaterThanOrEqual(1);
    for (const r of runs) {
      if (await isProtected(r.input)) continue;
      expect(
        r.after.attachments.filter((a) => a.size > limit).map((a) => a.filename),
        r.name,
      ).toEqual([]);
      // Everything under the limit is still there, byte for byte.
      const small = r.before.attachments.filter((a) => a.size <= limit).map((a) => a.checksum);
      expect(r.after.attachments.map((a) => a.checksum)).toEqual(expect.arrayContaining(small));
    }
  });

  it('dlp-bounce: bounces outbound mail with sensitive data, and only that', async () => {
    const runs = await replay(loadRulesFile(recipeFile('dlp-bounce'), { platform: WORKMAIL_PLATFORM }));
    const bounced = runs.filter((r) => r.outcome.actions.some((a) => a.type === 'BOUNCE'));
    expect(bounced.map((r) => r.name)).toContain('dlp-sensitive-data.eml');
    for (const r of bounced) {
      expect(r.direction).toBe('OUTBOUND');
      expect(r.outcome.bytes.equals(r.input)).toBe(true); // a bounce, not a redaction
      expect(r.after.text ?? '').toMatch(/\b(?:\d[ -]?){13,19}\b|\b\d{3}-\d{2}-\d{4}\b|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,}/);
    }
    expect(runs.filter((r) => r.name === 'plain-ascii.eml')[0]!.outcome.actions).toEqual([]);
  });

  it('subject-tag: inbound external subjects start with the tag, never twice', async () => {
    const runs = await replay(loadRulesFile(recipeFile('subject-tag'), { platform: WORKMAIL_PLATFORM }));
    const tagged = runs.filter((r) => r.outcome.status === 'updated');
    expect(tagged.length).toBeGreaterThanOrEqual(10);
    for (const r of tagged) {
      expect(r.direction).toBe('INBOUND');
      expect(r.after.subject ?? '').toMatch(/^\[EXTERNAL\]/);
      expect((r.after.subject ?? '').match(/\[EXTERNAL\]/g)).toHaveLength(1);
    }
  });

  it('audit-first: reports what it would do on every sample, changes nothing, asks for nothing', async () => {
    const runs = await replay(loadRulesFile(recipeFile('audit-first'), { platform: WORKMAIL_PLATFORM }));
    for (const r of runs) {
      expect(r.outcome.bytes.equals(r.input), r.name).toBe(true);
      expect(r.outcome.actions).toEqual([]);
      expect(r.outcome.kept).toEqual([]);
      for (const rep of r.outcome.reports) expect(rep.audit).toBe(true);
    }
    const would = (rule: string) => runs.filter((r) => r.outcome.reports.some((x) => x.name === rule && x.status === 'would-apply')).map((r) => r.name);
    expect(would('quarantine-executables')).toEqual(expect.arrayContaining(['outbound-exe-attachment.eml', 'outbound-js-attachment.eml']));
    expect(would('dlp-bounce')).toContain('dlp-sensitive-data.eml');
    expect(would('tag-external').length).toBeGreaterThanOrEqual(10);
  });
});
