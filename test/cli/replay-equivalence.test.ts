import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayResult } from '../../lib/cli/replay.js';
import { loadRulesFile, parseRulesConfig } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { corpusFiles, emlFiles, SAMPLES_DIR } from '../support/samples.js';

const config = loadRulesFile(path.join(SAMPLES_DIR, 'rules.json'), { platform: WORKMAIL_PLATFORM });
const NOW = new Date('2026-12-01T09:00:00Z');
const files = [...emlFiles(SAMPLES_DIR), ...corpusFiles()];

async function run(engineOnly: boolean): Promise<{ results: ReplayResult[]; outDir: string }> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'wmflow-eq-'));
  const results = await replay({ files, config, outDir, json: true, engineOnly, orgDomains: [], now: NOW }, () => undefined);
  return { results, outDir };
}

describe('engine-only replay and the emulated Lambda path agree', () => {
  it('on every sample (and corpus message): status, per-recipient decisions and delivered bytes', async () => {
    const engine = await run(true);
    const lambda = await run(false);
    expect(engine.results.length).toBe(files.length);
    const view = (r: ReplayResult) => ({ file: path.basename(r.file), status: r.status, recipients: r.recipients, error: r.error });
    expect(engine.results.map(view)).toEqual(lambda.results.map(view));
    for (const r of engine.results) {
      const name = path.basename(r.file);
      expect(readFileSync(path.join(engine.outDir, name)).equals(readFileSync(path.join(lambda.outDir, name))), name).toBe(true);
    }
    // Not vacuous: the sample rules change most samples and bounce, skip and leave some.
    const by = (s: string) => engine.results.filter((r) => r.status === s).length;
    expect(by('updated')).toBeGreaterThanOrEqual(20);
    expect(by('update-skipped')).toBeGreaterThanOrEqual(1);
    expect(engine.results.some((r) => r.recipients.some((x) => x.disposition === 'bounced'))).toBe(true);
    expect(by('error')).toBe(0);
  });
});

describe('replay shows quarantine and audit as the Lambda does them', () => {
  it('keeps quarantined files beside the output in both modes, and audit changes nothing', async () => {
    const quarantine = parseRulesConfig(
      { orgDomains: ['example.com'], rules: [{ type: 'attachment', name: 'q-pdf', match: { extensions: ['pdf'] }, action: 'quarantine' }] },
      { platform: WORKMAIL_PLATFORM },
    );
    const file = path.join(SAMPLES_DIR, 'mixed-pdf-png-ics.eml');
    const pdf = (await simpleParser(readFileSync(file))).attachments.find((a) => a.filename?.endsWith('.pdf'))!;
    for (const engineOnly of [true, false]) {
      const outDir = mkdtempSync(path.join(os.tmpdir(), 'wmflow-q-'));
      const [r] = await replay({ files: [file], config: quarantine, outDir, json: true, engineOnly, orgDomains: [], now: NOW }, () => undefined);
      expect(r!.status).toBe('updated');
      expect(r!.quarantined).toHaveLength(1);
      // The kept file is the attachment's decoded bytes (mailparser as the oracle), named by its hash.
      expect(readFileSync(r!.quarantined![0]!).equals(pdf.content)).toBe(true);
      expect(path.basename(r!.quarantined![0]!)).toBe(createHash('sha256').update(pdf.content).digest('hex'));
      const after = await simpleParser(readFileSync(r!.output!));
      expect(after.attachments.some((a) => a.filename?.endsWith('.pdf'))).toBe(false);
    }
    const audit = parseRulesConfig(
      { orgDomains: ['example.com'], mode: 'audit', rules: [{ type: 'attachment', name: 'q-pdf', match: { extensions: ['pdf'] }, action: 'quarantine' }] },
      { platform: WORKMAIL_PLATFORM },
    );
    const lines: string[] = [];
    const [r] = await replay(
      { files: [file], config: audit, outDir: mkdtempSync(path.join(os.tmpdir(), 'wmflow-a-')), json: false, engineOnly: true, orgDomains: [], now: NOW },
      (l) => lines.push(l),
    );
    expect(r!.status).toBe('unchanged');
    expect(readFileSync(r!.output!).equals(readFileSync(file))).toBe(true);
    expect(lines.join('\n')).toMatch(/rule q-pdf \(audit, nothing changed\): would /);
  });
});
