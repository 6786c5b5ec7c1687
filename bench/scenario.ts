/**
 * One benchmark scenario in a fresh process, so that peak RSS is its own.
 * Usage: tsx bench/scenario.ts <mode> <iterations> <message files…>
 * Modes:
 * - `lambda`: the Lambda path's core step, a bottom disclaimer, WorkMail's pre-flight included;
 * - `before`: the same plus what the pipeline did before the one-core change (pre-flight parsed
 *   the result and the original again);
 * - `naive`: mailparser simpleParser + nodemailer MailComposer rebuild, plus the disclaimer;
 * - `copy`: a plain copy of the bytes (the floor).
 * Prints one JSON line: ms per message (all files once = one round), peak RSS and its growth.
 */
import { readFileSync } from 'node:fs';
import { processMessage } from '../lib/core/index.js';
import { parseRulesConfig } from '../lib/rules/index.js';
import { checkUpdatedContent } from '../lib/workmail/content-checks.js';
import { WORKMAIL_PLATFORM } from '../lib/workmail/platform.js';
// @ts-expect-error: a plain JavaScript module without declarations
import { naiveRebuild } from './naive-rebuild.mjs';

const [, , mode = 'lambda', iterationsArg = '20', ...files] = process.argv;
// Read from files written by run.ts, so generating messages does not count here.
const inputs = files.map((f) => readFileSync(f));
const iterations = Number(iterationsArg);
const config = parseRulesConfig(
  { orgDomains: ['example.com'], rules: [{ type: 'disclaimer', text: 'Confidential: for the addressee only.', position: 'bottom' }] },
  { platform: WORKMAIL_PLATFORM },
);
const envelope = { direction: 'INBOUND' as const, mailFrom: 'a@partner.example.org', recipients: ['user@example.com'] };
const now = new Date('2026-12-01T00:00:00Z');

async function lambda(input: Buffer): Promise<Buffer> {
  return (await processMessage({ bytes: input, envelope, rules: config.rules, orgDomains: config.orgDomains, platform: WORKMAIL_PLATFORM, now })).bytes;
}

async function before(input: Buffer): Promise<Buffer> {
  const out = await lambda(input);
  if (out !== input) await checkUpdatedContent(input, out);
  return out;
}

async function naive(input: Buffer): Promise<Buffer> {
  return naiveRebuild(input);
}

async function copy(input: Buffer): Promise<Buffer> {
  return Buffer.from(input);
}

const run = { lambda, before, naive, copy }[mode];
if (!run) throw new Error(`unknown mode ${mode}`);
// Peak memory of one pass over the inputs (the first, which also warms up), over a baseline of
// the runtime, the libraries and the inputs themselves.
const baselineRss = process.memoryUsage().rss;
try {
  for (const input of inputs) await run(input);
} catch (err) {
  // The naive rebuild refuses some inputs (mailparser's limit of 1,000 parts): say so.
  console.log(JSON.stringify({ mode, failed: err instanceof Error ? err.message : String(err) }));
  process.exit(0);
}
const peakRss = process.resourceUsage().maxRSS * 1024;
const samples: number[] = [];
let out = 0;
for (let i = 0; i < iterations; i++) {
  const started = performance.now();
  for (const input of inputs) out += (await run(input)).length;
  samples.push(performance.now() - started);
}
samples.sort((a, b) => a - b);
const ms = samples[Math.floor(samples.length / 2)]! / inputs.length;
const bytes = inputs.reduce((n, b) => n + b.length, 0) / inputs.length;
console.log(JSON.stringify({ mode, ms, peakRss, growth: peakRss - baselineRss, bytes, messages: inputs.length, out: out / iterations / inputs.length }));
