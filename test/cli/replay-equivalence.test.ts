import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type ReplayResult } from '../../lib/cli/replay.js';
import { loadRulesFile } from '../../lib/rules/index.js';
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
