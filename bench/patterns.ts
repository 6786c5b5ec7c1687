/**
 * `npx tsx bench/patterns.ts [maxV8Length]`: user patterns on RE2 (re2js) against V8's
 * backtracking RegExp. For each pattern that backtracks catastrophically, re2js on 100 KB of
 * near-miss text next to V8 on SHORT near-misses (16, 20, … up to maxV8Length characters,
 * default 24, at most 26 so it finishes), then a benign pattern over 1 MB on both engines.
 */
import { compileUserPattern } from '../lib/pattern/index.js';
import { ADVERSARIAL_PATTERNS } from '../test/support/adversarial-patterns.js';

const ADVERSARIAL = ADVERSARIAL_PATTERNS;
const maxV8 = Math.min(26, Number(process.argv[2] ?? 24));
const v8Lengths = [16, 20, 24, 26].filter((n) => n <= maxV8);

function ms(fn: () => unknown, runs = 1): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const fmt = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));

console.log('## Adversarial patterns (near-miss: the final character is missing)\n');
// RE2 rejects a text lacking a required literal (the final character) without running the
// automaton, hence the near-zero first column; the completed text makes it scan all 100 KB.
console.log(
  `| pattern | re2js test, 100 KB miss | re2js test, 100 KB completed | re2js all matches, 100 KB completed | ${v8Lengths.map((n) => `V8 test, ${n}-char miss`).join(' | ')} |`,
);
console.log(`| --- | ---: | ---: | ---: | ${v8Lengths.map(() => '---:').join(' | ')} |`);
for (const [pattern, char] of ADVERSARIAL) {
  const re = compileUserPattern({ pattern });
  const miss = char.repeat(100_000);
  // The completed text makes the automaton run over every character (a miss is rejected early).
  const hit = `${miss}${pattern.at(-1)}`;
  const re2Test = ms(() => re.test(miss), 5);
  const re2Hit = ms(() => re.test(hit), 5);
  const re2All = ms(() => [...re.matches(hit)], 5);
  const v8 = v8Lengths.map((n) => ms(() => new RegExp(pattern).test(char.repeat(n))));
  console.log(`| \`${pattern}\` | ${fmt(re2Test)} ms | ${fmt(re2Hit)} ms | ${fmt(re2All)} ms | ${v8.map((t) => `${fmt(t)} ms`).join(' | ')} |`);
}

const benign = '\\b\\d{4}-\\d{4}\\b';
const words = ['order', '1234-5678', 'shipped', 'to', 'room', '12345-6789', 'ref', '2026-1202', 'x1234-5678', 'ok'];
let text = '';
for (let i = 0; text.length < 1_000_000; i++) text += `${words[(i * 7) % words.length]}${i % 13 === 0 ? '\n' : ' '}`;
const re = compileUserPattern({ pattern: benign });
const js = new RegExp(benign, 'g');
const re2Count = [...re.matches(text)].length;
const v8Count = [...text.matchAll(js)].length;
if (re2Count !== v8Count) throw new Error(`engines disagree: re2js ${re2Count} matches, V8 ${v8Count}`);
console.log(`\n## Benign pattern \`${benign}\` over ${(text.length / 1e6).toFixed(2)} M characters (${re2Count} matches)\n`);
// The same text with no match at all (but every literal present): `test` scans every character.
const none = text.replaceAll('-', '-x');
if (re.test(none) || new RegExp(benign).test(none)) throw new Error('the no-match text matches');
console.log('| engine | test, no match (full scan) | all matches |');
console.log('| --- | ---: | ---: |');
console.log(`| re2js | ${fmt(ms(() => re.test(none), 5))} ms | ${fmt(ms(() => [...re.matches(text)], 5))} ms |`);
console.log(`| V8 RegExp | ${fmt(ms(() => new RegExp(benign).test(none), 5))} ms | ${fmt(ms(() => [...text.matchAll(js)], 5))} ms |`);
