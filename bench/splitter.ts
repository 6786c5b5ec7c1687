/**
 * `npx tsx bench/splitter.ts`: the former mailsplit-based parse against wmflow's own splitter,
 * on generated messages: 25 MB with base64 attachments, 25 MB of quoted-printable text, and
 * 1,000 parts. Prints the median ms per message of each, and the speed-up. Pass a number to
 * change the iteration count of the old parser (default 5; the new one runs 4× as often).
 */
import { randomBytes } from 'node:crypto';
import { parseMessage } from '../lib/mime/index.js';
import { legacyParseMessage } from '../test/mime/mailsplit-reference.js';

const CRLF = '\r\n';

function base64Lines(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, `$&${CRLF}`);
}

/** About 25 MB: a short text body and three base64 attachments. */
function base64Message(): Buffer {
  const parts = [0, 1, 2].map(
    (i) =>
      `--mix${CRLF}Content-Type: application/pdf; name=doc${i}.pdf${CRLF}Content-Disposition: attachment; filename=doc${i}.pdf${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${base64Lines(randomBytes(6 * 1024 * 1024))}${CRLF}`,
  );
  return Buffer.from(
    `From: a@example.com${CRLF}Subject: attachments${CRLF}MIME-Version: 1.0${CRLF}Content-Type: multipart/mixed; boundary="mix"${CRLF}${CRLF}` +
      `--mix${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}${CRLF}see attached${CRLF}${parts.join('')}--mix--${CRLF}`,
    'latin1',
  );
}

/** About 25 MB of quoted-printable text in one text/plain part (soft breaks, encoded UTF-8). */
function quotedPrintableMessage(): Buffer {
  const line = 'Gr=C3=BC=C3=9Fe aus K=C3=B6ln -- the quarterly report follows, see the numbers be=\r\nlow and the caf=C3=A9 menu.\r\n';
  const target = 25 * 1024 * 1024;
  const body = line.repeat(Math.ceil(target / line.length));
  return Buffer.from(
    `From: a@example.com${CRLF}Subject: long text${CRLF}MIME-Version: 1.0${CRLF}Content-Type: text/plain; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}${body}`,
    'latin1',
  );
}

/** 1,000 parts (the default maxParts): the message and 999 small leaves in nested alternatives. */
function manyPartsMessage(): Buffer {
  const groups: string[] = [];
  let parts = 1;
  for (let g = 0; parts < 1000; g++) {
    const leaves: string[] = [];
    parts++;
    for (let i = 0; i < 4 && parts < 1000; i++, parts++) {
      leaves.push(`--alt${g}${CRLF}Content-Type: text/plain; charset=us-ascii${CRLF}${CRLF}part ${g}.${i}: ${'lorem ipsum '.repeat(20)}${CRLF}`);
    }
    groups.push(`--mix${CRLF}Content-Type: multipart/alternative; boundary="alt${g}"${CRLF}${CRLF}${leaves.join('')}--alt${g}--${CRLF}`);
  }
  return Buffer.from(`From: a@example.com${CRLF}Content-Type: multipart/mixed; boundary="mix"${CRLF}${CRLF}${groups.join('')}--mix--${CRLF}`, 'latin1');
}

type Parse = (input: Buffer) => Promise<{ parts(): unknown[] }>;

async function median(parse: Parse, input: Buffer, iterations: number): Promise<{ ms: number; parts: number }> {
  const { length: parts } = (await parse(input)).parts(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await parse(input);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, parts };
}

const oldIterations = Number(process.argv[2] ?? 5);
const messages: [string, Buffer][] = [
  ['25 MB, 3 base64 attachments', base64Message()],
  ['25 MB quoted-printable text', quotedPrintableMessage()],
  ['1,000 parts', manyPartsMessage()],
];

console.log('| message | size | parts | old (mailsplit) ms | new (splitter) ms | speed-up |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, input] of messages) {
  const before = await median(legacyParseMessage, input, oldIterations);
  const after = await median(parseMessage, input, oldIterations * 4);
  if (before.parts !== after.parts) throw new Error(`${name}: the parsers disagree on the part count (${before.parts} vs ${after.parts})`);
  console.log(
    `| ${name} | ${(input.length / 1e6).toFixed(1)} MB | ${after.parts} | ${before.ms.toFixed(1)} | ${after.ms.toFixed(2)} | ${(before.ms / after.ms).toFixed(0)}× |`,
  );
}
