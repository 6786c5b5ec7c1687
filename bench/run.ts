/**
 * `npm run bench`: parse + serialise and parse + one text edit + serialise, for wmflow's engine
 * and for the naive approach (mailparser simpleParser + nodemailer MailComposer rebuild), on a
 * typical 50 KB message and a 25 MB message. Each scenario runs in its own process so peak RSS
 * is its own. Prints a Markdown table.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { largeMessage, typicalMessage } from './messages.js';

const here = import.meta.dirname;
const tsx = path.resolve(here, '../node_modules/.bin/tsx');
const rows: string[] = [];
const results: Record<string, { ms: number; peakRss: number; growth: number; bytes: number }> = {};
const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-bench-'));
const files = { typical: path.join(dir, 'typical.eml'), large: path.join(dir, 'large.eml') };
writeFileSync(files.typical, typicalMessage());
writeFileSync(files.large, largeMessage());
for (const size of ['typical', 'large'] as const) {
  for (const mode of ['engine', 'engine-edit', 'naive', 'naive-edit']) {
    const iterations = size === 'large' ? (mode.startsWith('naive') ? 2 : 5) : mode.startsWith('naive') ? 50 : 300;
    const out = execFileSync(tsx, [path.join(here, 'scenario.ts'), mode, files[size], String(iterations)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    results[`${mode}:${size}`] = r;
    const label = `${mode.startsWith('naive') ? 'naive rebuild' : 'wmflow engine'}${mode.endsWith('-edit') ? ' + text edit' : ''}`;
    rows.push(
      `| ${size === 'typical' ? '50 KB' : '25 MB'} | ${label} | ${r.ms.toFixed(2)} | ${(1000 / r.ms).toFixed(1)} | ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(0)} | ${(r.peakRss / 1e6).toFixed(0)} MB | ${(Math.max(0, r.growth) / 1e6).toFixed(1)} MB (${(Math.max(0, r.growth) / r.bytes).toFixed(2)}× msg) |`,
    );
  }
}
console.log('| message | approach | ms/message | messages/s | MB/s | peak RSS | peak growth over baseline |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
const speedup = (size: string, edit: string) => results[`naive${edit}:${size}`]!.ms / results[`engine${edit}:${size}`]!.ms;
console.log(`\nspeed-up over the naive rebuild: 50 KB ${speedup('typical', '').toFixed(1)}× (edit ${speedup('typical', '-edit').toFixed(1)}×), 25 MB ${speedup('large', '').toFixed(1)}× (edit ${speedup('large', '-edit').toFixed(1)}×)`);
