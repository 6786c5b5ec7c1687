import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseMessage, findAttachments, decodeTransfer } from '../../lib/mime/index.js';
import { paymentCard } from '../../lib/redaction/index.js';
import { loadRulesFile, parseRulesConfig } from '../../lib/rules/index.js';
import { checkUpdatedContent } from '../../lib/workmail/content-checks.js';
import { blockExecutables, customRuleTypes } from '../../samples/custom-rules/block-executables.js';
import { run } from '../support/run.js';
import { allMessages, emlFiles, sample, SAMPLES_DIR } from '../support/samples.js';

const config = loadRulesFile(path.join(SAMPLES_DIR, 'rules.json'));

describe('samples/rules.json over every message', () => {
  it('loads', () => {
    expect(config.rules.map((r) => r.name)).toEqual(['tag-external', 'external-warning', 'dlp-outbound', 'legal-footer', 'stamp', 'junk-high-spam-score']);
  });

  for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
    const envelope =
      direction === 'INBOUND'
        ? { direction, mailFrom: 'partner@partner.example.org', recipients: ['user@example.com'], orgDomains: config.orgDomains }
        : { direction, mailFrom: 'user@example.com', recipients: ['partner@partner.example.org'], orgDomains: config.orgDomains };

    it.each(allMessages())(
      `${direction.toLowerCase()} %s: idempotent, attachments intact, signed mail untouched, WorkMail checks pass`,
      async (name, input) => {
        const first = await run(config.rules, input, envelope);
        const second = await run(config.rules, first.output, envelope);
        expect(second.output.equals(first.output)).toBe(true);
        const before = await parseMessage(input);
        const after = await parseMessage(first.output);
        const decoded = (m: typeof before) => findAttachments(m).map((a) => decodeTransfer(a.part.rawBody(), a.part.info.transferEncoding).toString('base64'));
        const kept = new Set(decoded(after));
        for (const d of decoded(before)) expect(kept.has(d)).toBe(true);
        if (/smime|pgp/.test(name)) {
          // Only the stamp header may be added; the signed or encrypted body keeps every byte.
          expect(
            first.output.subarray(first.output.length - (input.length - before.headers.byteLength)).equals(input.subarray(before.headers.byteLength)),
          ).toBe(true);
        }
        if (first.changed) {
          // The rules add no problem the input did not already have (the pipeline re-encodes
          // inherited long lines; other inherited defects make it deliver the original).
          const codes = async (bytes: Buffer) => new Set((await checkUpdatedContent(input, bytes)).filter((p) => p.severity === 'error').map((p) => p.code));
          const inherited = await codes(input);
          expect([...(await codes(first.output))].filter((c) => !inherited.has(c))).toEqual([]);
        }
      },
    );
  }
});

describe('the sample rules apply where they should (counts over all samples)', () => {
  it('every inbound sample is tagged and stamped; all but the signed or encrypted ones get the warning, outbound ones the footer; DLP only where a card is', async () => {
    const files = emlFiles(SAMPLES_DIR);
    // Independent of the engine: protection is read from the file names, cards by mailparser.
    const protectedCount = files.filter((f) => /smime|pgp/.test(path.basename(f))).length;
    let withCards = 0;
    for (const f of files) if (paymentCard.find(((await simpleParser(readFileSync(f))).text ?? '').replace(/\s+/g, ' ')).length) withCards++;
    const applied: Record<string, number> = {};
    for (const direction of ['INBOUND', 'OUTBOUND'] as const) {
      const env =
        direction === 'INBOUND'
          ? { direction, mailFrom: 'partner@partner.example.org', recipients: ['user@example.com'] }
          : { direction, mailFrom: 'user@example.com', recipients: ['partner@partner.example.org'] };
      for (const f of files) {
        const r = await run(config.rules, readFileSync(f), { ...env, orgDomains: config.orgDomains });
        for (const rep of r.reports) if (rep.status === 'applied') applied[`${direction}:${rep.name}`] = (applied[`${direction}:${rep.name}`] ?? 0) + 1;
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(applied).toEqual({
      'INBOUND:tag-external': files.length,
      'INBOUND:external-warning': files.length - protectedCount,
      'INBOUND:stamp': files.length,
      'OUTBOUND:legal-footer': files.length - protectedCount,
      'OUTBOUND:stamp': files.length,
      'OUTBOUND:dlp-outbound': withCards,
    });
    expect(withCards).toBeGreaterThanOrEqual(1);
  });
});

describe('the custom rule sample', () => {
  it('bounces outbound .exe and .js attachments, not other mail or inbound mail', async () => {
    const rule = blockExecutables();
    for (const file of ['outbound-exe-attachment.eml', 'outbound-js-attachment.eml']) {
      const r = await run([rule], sample(file), { direction: 'OUTBOUND', mailFrom: 'user@example.com', recipients: ['friend@partner.example.org'] });
      expect(r.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'Executable attachments may not be sent outside the company.' }]);
      expect(r.reports[0]!.counts).toEqual({ 'blocked-attachments': 1 });
      expect(r.changed).toBe(false);
    }
    expect((await run([rule], sample('mixed-pdf-png-ics.eml'), { direction: 'OUTBOUND' })).actions).toEqual([]);
    expect((await run([rule], sample('outbound-exe-attachment.eml'), { direction: 'INBOUND' })).reports[0]!.status).toBe('skipped');
  });

  it('is usable from a rules file through its registered type', () => {
    const cfg = parseRulesConfig({ rules: [{ type: 'block-executables', extensions: ['exe'] }] }, { types: customRuleTypes });
    expect(cfg.rules[0]!.name).toBe('block-executables');
  });
});
