/**
 * One benchmark scenario in a fresh process, so that peak RSS is its own.
 * Usage: tsx bench/scenario.ts <engine|engine-edit|naive|naive-edit> <message file> <iterations>
 * Prints one JSON line: ms per message, peak RSS, and peak growth over the baseline (runtime,
 * libraries and the loaded input).
 */
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { findReaderBodies, getText, parseMessage, setText } from '../lib/mime/index.js';
import { readFileSync } from 'node:fs';

const [, , mode = 'engine', file = '', iterationsArg = '20'] = process.argv;
// Read from a file written by run.ts, so generating the message does not count here.
const input = readFileSync(file);
const iterations = Number(iterationsArg);

async function engine(edit: boolean): Promise<Buffer> {
  const m = await parseMessage(input);
  if (edit) {
    const text = findReaderBodies(m).text!;
    setText(text, `${getText(text)}\r\nDisclaimer.\r\n`);
  }
  return m.toBuffer();
}

async function naive(edit: boolean): Promise<Buffer> {
  // What the public WorkMail samples do: parse everything, rebuild everything.
  const parsed = await simpleParser(input);
  const mail = new MailComposer({
    from: parsed.from?.text,
    to: (Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.text,
    subject: parsed.subject,
    date: parsed.date,
    messageId: parsed.messageId,
    text: edit ? `${parsed.text ?? ''}\r\nDisclaimer.\r\n` : parsed.text,
    html: parsed.html || undefined,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  return mail.compile().build();
}

const run = mode.startsWith('naive') ? naive : engine;
const edit = mode.endsWith('-edit');
// Baseline: the runtime, the libraries and the input itself, before any work.
const baselineRss = process.memoryUsage().rss;
await run(edit); // warm up
const started = performance.now();
let out = 0;
for (let i = 0; i < iterations; i++) out += (await run(edit)).length;
const ms = (performance.now() - started) / iterations;
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ mode, ms, peakRss, growth: peakRss - baselineRss, baselineRss, bytes: input.length, out: out / iterations }));
