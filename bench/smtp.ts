/**
 * `npx tsx bench/smtp.ts [clients] [max messages] [max seconds]`: messages/s and latency through
 * `wmflow smtp` (its own process, as deployed) with samples/rules.json, and through the same
 * filter with no rules (the pass-through relay), in one run. N concurrent clients (nodemailer's
 * SMTP client, one persistent session each) send the samples round-robin, half inbound and half
 * outbound, to the filter on loopback, which relays to an smtp-server sink in this process.
 * Each scenario stops at the message count or the time limit, whichever comes first. Latency is
 * from the start of MAIL FROM to the reply after DATA (the relay included). Prints Markdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SMTPServer } from 'smtp-server';

const here = import.meta.dirname;
const root = path.resolve(here, '..');
const clients = Number(process.argv[2] ?? 8);
const maxMessages = Number(process.argv[3] ?? 2000);
const maxSeconds = Number(process.argv[4] ?? 15);

const samplesDir = path.join(root, 'samples');
const { readdirSync } = await import('node:fs');
const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((f) => readFileSync(path.join(samplesDir, f)));
const envelopes = [
  { from: 'partner@partner.example.org', to: ['user@example.com'] },
  { from: 'me@example.com', to: ['someone@partner.org'] },
];

/** The next hop: counts what it receives. */
let received = 0;
let receivedBytes = 0;
const sink = new SMTPServer({
  disabledCommands: ['AUTH', 'STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  maxAllowedUnauthenticatedCommands: false,
  maxClients: 1000,
  onData(stream, _session, callback) {
    stream.on('data', (c: Buffer) => (receivedBytes += c.length));
    stream.on('end', () => {
      received++;
      callback(null, 'ok');
    });
  },
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkPort = (sink.server.address() as AddressInfo).port;

const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-bench-smtp-'));
const noRules = path.join(dir, 'no-rules.json');
writeFileSync(noRules, JSON.stringify({ orgDomains: ['example.com'], rules: [] }));

/** Starts `wmflow smtp` in its own process; resolves with its port. */
function startFilter(config: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'lib/cli/wmflow.mjs'),
      'smtp',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
      '--relay',
      `127.0.0.1:${sinkPort}`,
      '--max-clients',
      String(clients + 10),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`wmflow smtp exited with ${code}`)));
  });
}

async function connect(port: number): Promise<SMTPConnection> {
  const c = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true, logger: false });
  c.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    c.once('error', reject);
    c.connect((err) => (err ? reject(err) : resolve()));
  });
  return c;
}

interface Result {
  label: string;
  messages: number;
  seconds: number;
  latencies: number[];
  replies: Record<string, number>;
  relayed: number;
  bytesSent: number;
}

async function scenario(label: string, config: string): Promise<Result> {
  const { child, port } = await startFilter(config);
  const latencies: number[] = [];
  const replies: Record<string, number> = {};
  let next = 0;
  let bytesSent = 0;
  const relayedBefore = received;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const worker = async () => {
    let connection = await connect(port);
    for (;;) {
      const i = next++;
      if (i >= maxMessages || performance.now() > deadline) break;
      const bytes = samples[i % samples.length]!;
      const envelope = envelopes[Math.floor(i / samples.length) % 2]!;
      const t0 = performance.now();
      const code = await new Promise<string>((resolve) =>
        connection.send({ ...envelope, use8BitMime: true }, bytes, (err) =>
          resolve(err ? String((err as { responseCode?: number }).responseCode ?? 'error') : '250'),
        ),
      );
      latencies.push(performance.now() - t0);
      bytesSent += bytes.length;
      replies[code] = (replies[code] ?? 0) + 1;
      // nodemailer's client leaves a session after a refused message in an unknown state: start a new one.
      if (code !== '250') {
        connection.close();
        connection = await connect(port);
      }
    }
    connection.quit();
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { label, messages: latencies.length, seconds, latencies, replies, relayed: received - relayedBefore, bytesSent };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const results = [await scenario('pass-through relay (no rules)', noRules), await scenario('samples/rules.json', path.join(samplesDir, 'rules.json'))];
sink.close();

console.log(
  `${clients} concurrent clients, up to ${maxMessages} messages or ${maxSeconds} s per scenario, ${samples.length} samples round-robin (${(samples.reduce((n, s) => n + s.length, 0) / samples.length / 1024).toFixed(0)} KB mean), loopback\n`,
);
console.log('| filter | messages | messages/s | MB/s in | p50 ms | p99 ms | max ms | replies | relayed |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
for (const r of results) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const replies = Object.entries(r.replies)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  console.log(
    `| ${r.label} | ${r.messages} | ${(r.messages / r.seconds).toFixed(0)} | ${(r.bytesSent / 1e6 / r.seconds).toFixed(1)} | ${pct(sorted, 50).toFixed(1)} | ${pct(sorted, 99).toFixed(1)} | ${sorted.at(-1)!.toFixed(1)} | ${replies} | ${r.relayed} |`,
  );
}
