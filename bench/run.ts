/**
 * `npm run bench`: the Lambda path's core step (a bottom disclaimer, WorkMail's pre-flight
 * included) side by side, in the same run, with the same step plus the pre-flight re-parse it used
 * to do ("before"), the naive rebuild (mailparser simpleParser + nodemailer MailComposer) and a
 * plain copy of the bytes (the floor). Each scenario runs in its own process so peak RSS is its
 * own. Prints a Markdown table and the ratios, and writes them as JSON to out/bench.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { largeMessage, largeQpText, manyParts, typicalMessage } from './messages.js';

const here = import.meta.dirname;
const root = path.resolve(here, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-bench-'));
const write = (name: string, bytes: Buffer) => {
  const f = path.join(dir, name);
  writeFileSync(f, bytes);
  return f;
};

// Corpus-sized mail: the samples, plus the public corpus when WMFLOW_CORPUS_DIR names it.
const { emlFiles, corpusFiles, SAMPLES_DIR } = await import('../test/support/samples.js');
const small = [...emlFiles(SAMPLES_DIR), ...corpusFiles()].filter((f) => !f.includes('newsletter-1mb'));
const sets: { name: string; files: string[]; iterations: Record<string, number> }[] = [
  { name: `${small.length} samples/corpus messages`, files: small, iterations: { lambda: 30, before: 30, naive: 10, copy: 30 } },
  { name: '50 KB typical', files: [write('typical.eml', typicalMessage())], iterations: { lambda: 300, before: 300, naive: 50, copy: 300 } },
  { name: '25 MB attachments', files: [write('large.eml', largeMessage())], iterations: { lambda: 7, before: 5, naive: 3, copy: 7 } },
  { name: '25 MB QP text', files: [write('qp.eml', largeQpText())], iterations: { lambda: 5, before: 3, naive: 3, copy: 7 } },
  { name: '10 parts', files: [write('p10.eml', manyParts(10))], iterations: { lambda: 300, before: 300, naive: 100, copy: 300 } },
  { name: '1,000 parts', files: [write('p1000.eml', manyParts(1000))], iterations: { lambda: 20, before: 20, naive: 5, copy: 20 } },
];

type Result = { ms: number; peakRss: number; growth: number; bytes: number; failed?: string };
const results: Record<string, Record<string, Result>> = {};
console.log('| messages | approach | ms/message | MB/s | peak growth over baseline |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const set of sets) {
  results[set.name] = {};
  for (const mode of ['lambda', 'before', 'naive', 'copy']) {
    const out = execFileSync(tsx, [path.join(here, 'scenario.ts'), mode, String(set.iterations[mode]), ...set.files], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const r: Result = JSON.parse(out.trim().split('\n').pop()!);
    results[set.name]![mode] = r;
    if (r.failed) {
      console.log(`| ${set.name} | ${mode} | fails: ${r.failed} | | |`);
      continue;
    }
    const label = { lambda: 'wmflow Lambda path', before: 'wmflow, old pre-flight', naive: 'naive rebuild', copy: 'copy (floor)' }[mode];
    console.log(
      `| ${set.name} | ${label} | ${r.ms.toFixed(3)} | ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(0)} | ${(Math.max(0, r.growth) / 1e6).toFixed(1)} MB (${(Math.max(0, r.growth) / r.bytes).toFixed(2)}× msg) |`,
    );
  }
}
const ratio = (set: string, a: string, b: string) =>
  results[set]![a]!.failed || results[set]![b]!.failed ? Number.NaN : results[set]![a]!.ms / results[set]![b]!.ms;
const ratios: Record<string, number> = {};
console.log('');
for (const set of sets) {
  ratios[`${set.name}: naive / lambda`] = ratio(set.name, 'naive', 'lambda');
  ratios[`${set.name}: before / lambda`] = ratio(set.name, 'before', 'lambda');
  ratios[`${set.name}: lambda / copy`] = ratio(set.name, 'lambda', 'copy');
}
ratios['parts 10 → 1,000: cost per part ratio'] = results['1,000 parts']!.lambda!.ms / 100 / results['10 parts']!.lambda!.ms;
for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}×`);
mkdirSync(path.join(root, 'out'), { recursive: true });
writeFileSync(path.join(root, 'out/bench.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, results, ratios }, null, 2));
console.log('\nwrote out/bench.json');
