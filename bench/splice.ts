/**
 * Cost of a bottom disclaimer on a 25 MB text body: splicing (appendText) against the former
 * decode → string edit → re-encode (getText/setText), with parse + serialise alone as the
 * "copy" floor, and the whole disclaimer rule. Each scenario runs in its own process so that
 * peak RSS is its own. Usage: `npx tsx bench/splice.ts` (prints a Markdown table).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import libqp from 'libqp';
import { appendText, getText, parseMessage, setText } from '../lib/mime/index.js';
import { disclaimerRule, runRules } from '../lib/rules/index.js';

const MODES = ['copy', 'before', 'after', 'rule'] as const;
const ENCODINGS = ['8bit', 'quoted-printable', 'base64'] as const;
const DISCLAIMER = 'CONFIDENTIAL: this message is for its recipients only.';

/** A single-part message with a ~25 MB UTF-8 text body in the given transfer encoding. */
function message(cte: (typeof ENCODINGS)[number]): Buffer {
  const line = 'Grüße aus Köln — the quick brown fox jumps over the lazy dog 0123456789.\r\n';
  const text = Buffer.from(line.repeat(Math.ceil(25e6 / Buffer.byteLength(line))));
  const body =
    cte === 'base64'
      ? Buffer.from(`${text.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`, 'latin1')
      : cte === 'quoted-printable'
        ? Buffer.from(libqp.wrap(libqp.encode(text), 76), 'latin1')
        : text;
  const head = [
    'From: a@example.org',
    'To: b@example.com',
    'Subject: big',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${cte}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), body]);
}

async function scenario(mode: (typeof MODES)[number], input: Buffer): Promise<Buffer> {
  const m = await parseMessage(input);
  if (mode === 'before') setText(m.root, `${getText(m.root)}\r\n${DISCLAIMER}\r\n`);
  if (mode === 'after') appendText(m.root, DISCLAIMER, 'bottom', { paragraph: true });
  if (mode === 'rule') {
    const r = await runRules([disclaimerRule({ text: DISCLAIMER })], {
      message: m,
      direction: 'INBOUND',
      mailFrom: 'a@example.org',
      recipients: ['b@example.com'],
      orgDomains: ['example.com'],
      now: new Date(),
    });
    return r.message.toBuffer();
  }
  return m.toBuffer();
}

const [, , child, mode, file] = process.argv;
if (child === '--child') {
  const input = readFileSync(file!);
  const baseline = process.memoryUsage().rss;
  const times: number[] = [];
  let out = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    out = (await scenario(mode as (typeof MODES)[number], input)).length;
    times.push(performance.now() - started);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ ms: times[1], growth: peak - baseline, bytes: input.length, out }));
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-splice-'));
  const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
  console.log('| body | scenario | ms (median of 3) | peak RSS growth |');
  console.log('|---|---|---|---|');
  try {
    for (const cte of ENCODINGS) {
      const file = path.join(dir, `${cte}.eml`);
      writeFileSync(file, message(cte));
      for (const m of MODES) {
        const r = JSON.parse(
          execFileSync(tsx, [import.meta.filename, '--child', m, file], { encoding: 'utf8' })
            .trim()
            .split('\n')
            .pop()!,
        );
        const label = {
          copy: 'parse + serialise (copy floor)',
          before: 'getText → edit → setText (before)',
          after: 'appendText splice (after)',
          rule: 'disclaimer rule (after, incl. idempotence check)',
        }[m];
        console.log(`| ${(r.bytes / 1e6).toFixed(1)} MB ${cte} | ${label} | ${r.ms.toFixed(0)} | ${(Math.max(0, r.growth) / 1e6).toFixed(0)} MB |`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
