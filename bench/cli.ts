/**
 * `npx tsx bench/cli.ts`: one 25 MB message through the command line, process start included,
 * side by side in the same run: `wmflow replay --engine-only` (compiled, a bottom disclaimer)
 * against the naive rebuild run as a script (bench/naive-rebuild.mjs), and the floor (node reading and
 * writing the file). Wall time, median of N.
 * Needs `npm run build` (npm ci runs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { largeMessage, largeQpText } from './messages.js';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-bench-cli-'));
const rules = path.join(dir, 'rules.json');
writeFileSync(
  rules,
  JSON.stringify({ orgDomains: ['example.com'], rules: [{ type: 'disclaimer', text: 'Confidential: for the addressee only.', position: 'bottom' }] }),
);

function wall(args: string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return performance.now() - started;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The floor: node starting, reading the message and writing it back, nothing else. No tool that
// reads and writes the file can beat naive / floor.
const copyScript = "const fs = require('node:fs'); fs.writeFileSync(process.argv[2], fs.readFileSync(process.argv[1]));";

console.log('| 25 MB message | wmflow replay --engine-only | naive rebuild script | ratio | floor: node, read, write | naive / floor |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, bytes] of [
  ['attachments', largeMessage()],
  ['QP text, bottom disclaimer', largeQpText()],
] as const) {
  const file = path.join(dir, `${name.split(' ')[0]}.eml`);
  writeFileSync(file, bytes);
  const wm = median(
    Array.from({ length: runs }, () => wall(['dist/cli/wmflow.js', 'replay', file, '--config', rules, '--engine-only', '--out-dir', path.join(dir, 'out')])),
  );
  const naive = median(Array.from({ length: runs }, () => wall(['bench/naive-rebuild.mjs', file, path.join(dir, 'naive.eml')])));
  const floor = median(Array.from({ length: runs }, () => wall(['-e', copyScript, file, path.join(dir, 'copy.eml')])));
  console.log(
    `| ${name} | ${wm.toFixed(0)} ms | ${naive.toFixed(0)} ms | ${(naive / wm).toFixed(1)}× | ${floor.toFixed(0)} ms | ${(naive / floor).toFixed(1)}× |`,
  );
}
