import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import libqp from 'libqp';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { checkLineLengths, findAttachments, findBareLineBreaks, findReaderBodies, getText, parseMessage, detectSecurity } from '../../lib/mime/index.js';
import { disclaimerRule } from '../../lib/rules/index.js';
import { diffWindow, partRanges } from '../support/byte-ranges.js';
import { run } from '../support/run.js';
import { allMessages, emlFiles, mail, SAMPLES_DIR } from '../support/samples.js';

const rule = () => disclaimerRule({ text: 'CONFIDENTIAL: for {{recipients}} only. Sent {{date}}.' });

const alternative = mail([
  'From: a@example.org',
  'To: user@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <x@example.org>',
  'Subject: hello',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="m"',
  '',
  '--m',
  'Content-Type: multipart/alternative; boundary="a"',
  '',
  '--a',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hello there=2C',
  '--a',
  'Content-Type: text/html; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<html><body><p>Hello there</p><!-- </body> --></body></html>',
  '--a--',
  '--m',
  'Content-Type: application/pdf; name=a.pdf',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQK',
  '--m',
  'Content-Type: message/rfc822',
  '',
  'Subject: inner',
  'Content-Type: text/plain',
  '',
  'inner text',
  '--m--',
  '',
]);

describe('disclaimer', () => {
  it('adds to both halves of the alternative, renders the template, and touches nothing else', async () => {
    const before = await parseMessage(alternative);
    const ranges = partRanges(before);
    const result = await run([rule()], alternative);
    expect(result.changed).toBe(true);
    // The report says how: spliced into the existing encoding, not re-encoded.
    expect(result.reports[0]).toMatchObject({
      status: 'applied',
      changes: ['added text disclaimer to part 1.1 (spliced, utf-8, quoted-printable)', 'added HTML disclaimer to part 1.2 (spliced, utf-8, quoted-printable)'],
    });
    const m = await parseMessage(result.output);
    const bodies = findReaderBodies(m);
    expect(getText(bodies.text!)).toBe('Hello there,\r\n\r\nCONFIDENTIAL: for user@example.com only. Sent 2026-11-25.\r\n');
    expect(getText(bodies.html!)).toBe(
      '<html><body><p>Hello there</p><!-- </body> --><div data-wmflow-disclaimer="disclaimer"><p>CONFIDENTIAL: for user@example.com only. Sent 2026-11-25.</p></div></body></html>',
    );
    // Everything from the end of the alternative on (attachment, attached message) is byte-identical.
    const altEnd = ranges.get('1')!.end;
    const tail = alternative.subarray(altEnd);
    expect(result.output.subarray(result.output.length - tail.length).equals(tail)).toBe(true);
    expect(result.output.subarray(0, ranges.get('1.1')!.start).equals(alternative.subarray(0, ranges.get('1.1')!.start))).toBe(true);
  });

  it('is idempotent: a second run adds nothing', async () => {
    const once = await run([rule()], alternative);
    const twice = await run([rule()], once.output);
    expect(twice.changed).toBe(false);
    expect(twice.output.equals(once.output)).toBe(true);
    expect(twice.reports[0]).toMatchObject({ status: 'unchanged', reason: 'disclaimer already present' });
  });

  it('puts the disclaimer on top when asked', async () => {
    const result = await run([disclaimerRule({ text: 'NOTICE', position: 'top' })], mail(['Subject: x', '', 'body text']));
    expect(getText((await parseMessage(result.output)).root)).toBe('NOTICE\n\nbody text'.replace(/\n/g, '\r\n'));
  });

  it('adds a text part to a message that has none', async () => {
    const pdf = mail([
      'From: a@example.org',
      'Subject: scan',
      'Content-Type: application/pdf',
      'Content-Disposition: attachment; filename=scan.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      '',
    ]);
    const result = await run([rule()], pdf);
    const m = await parseMessage(result.output);
    expect(getText(findReaderBodies(m).text!)).toContain('CONFIDENTIAL');
    expect(findAttachments(m).map((a) => a.filename)).toEqual(['scan.pdf']);
    // Idempotent on the restructured message too.
    expect((await run([rule()], result.output)).changed).toBe(false);
  });

  it('leaves signed mail byte-identical by default, wraps or bounces it when configured', async () => {
    const signed = mail([
      'From: a@example.org',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'Subject: s',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=s',
      '',
      '--s',
      'Content-Type: text/plain',
      '',
      'signed',
      '--s',
      'Content-Type: application/pkcs7-signature',
      '',
      'MIAG',
      '--s--',
      '',
    ]);
    const skip = await run([rule()], signed);
    expect(skip.changed).toBe(false);
    expect(skip.output.equals(signed)).toBe(true);
    expect(skip.reports[0]!.reason).toMatch(/signed .*left unchanged/);
    const wrap = await run([disclaimerRule({ text: 'NOTICE', onProtected: 'wrap' })], signed);
    const wrapped = await parseMessage(wrap.output);
    expect(getText(findReaderBodies(wrapped).text!)).toBe('NOTICE');
    expect(findAttachments(wrapped)[0]!.part.rawBody().equals(signed)).toBe(true);
    // The wrapper itself is not signed; the signed original travels intact inside it.
    expect(detectSecurity(wrapped).signed).toBe(false);
    expect(detectSecurity(await parseMessage(findAttachments(wrapped)[0]!.part.rawBody())).signed).toBe(true);
    const bounce = await run([disclaimerRule({ text: 'NOTICE', onProtected: 'bounce', bounceMessage: 'no' })], signed);
    expect(bounce.changed).toBe(false);
    expect(bounce.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'no' }]);
  });

  it.each(allMessages())('%s: idempotent, within the line limit where the input was, untouched parts intact', async (_n, input) => {
    const original = await parseMessage(input);
    const first = await run([rule()], input);
    const second = await run([rule()], first.output);
    expect(second.output.equals(first.output)).toBe(true);
    const out = await parseMessage(first.output);
    // Parts the rule did not touch keep their bytes: every attachment's raw body is unchanged.
    const before = findAttachments(original).map((a) => a.part.rawBody().toString('base64'));
    const after = new Set(findAttachments(out).map((a) => a.part.rawBody().toString('base64')));
    for (const b of before) expect(after.has(b)).toBe(true);
    // No new long lines: every long line in the output was already in the input.
    const inputLong = checkLineLengths(original).length;
    expect(checkLineLengths(out).length).toBeLessThanOrEqual(inputLong);
    if (first.changed) expect(diffWindow(input, first.output)).not.toBeNull();
  });
});

describe('disclaimer over all samples (count)', () => {
  it('applies to every sample except the signed or encrypted ones (read from the file names), once', async () => {
    const files = emlFiles(SAMPLES_DIR);
    const protectedCount = files.filter((f) => /smime|pgp/.test(path.basename(f))).length;
    let changed = 0;
    let changedAgain = 0;
    for (const f of files) {
      const first = await run([rule()], readFileSync(f));
      if (first.changed) changed++;
      if ((await run([rule()], first.output)).changed) changedAgain++;
    }
    expect(protectedCount).toBe(4);
    expect(changed).toBe(files.length - protectedCount);
    expect(changedAgain).toBe(0);
  });
});

describe('disclaimer templates', () => {
  it('recognises a template that starts and ends with fields, quickly, on a large body', async () => {
    const rule = disclaimerRule({ text: '{{sender}} sent this to {{recipients}} on {{date}}' });
    const big = mail(['Subject: big', 'Content-Type: text/plain; charset=utf-8', '', 'lorem ipsum '.repeat(90_000)]);
    const first = await run([rule], big);
    expect(first.changed).toBe(true);
    const started = performance.now();
    const second = await run([rule], first.output);
    expect(second.changed).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses a template with no fixed text', () => {
    expect(() => disclaimerRule({ text: '{{sender}} {{date}}' })).toThrow(/needs some fixed text/);
  });
});

describe('disclaimer splices instead of re-encoding', () => {
  const head = [
    'From: a@example.org',
    'To: user@example.com',
    'Date: Mon, 1 Jan 2024 00:00:00 +0000',
    'Message-ID: <s@example.org>',
    'Subject: s',
    'MIME-Version: 1.0',
  ];
  const single = (ct: string, cte: string, body: Buffer) =>
    Buffer.concat([Buffer.from([...head, `Content-Type: ${ct}`, `Content-Transfer-Encoding: ${cte}`, '', ''].join('\r\n')), body]);
  const notice = () => disclaimerRule({ text: 'NOTICE: external sender' });

  it('Latin-1 bytes labelled utf-8: every original byte stays, the disclaimer follows (no U+FFFD)', async () => {
    const body = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0xe8, 0x6d, 0x65, 0x0d, 0x0a]);
    const input = single('text/plain; charset=utf-8', '8bit', body);
    const result = await run([notice()], input);
    expect(result.output.subarray(0, input.length).equals(input)).toBe(true);
    expect(result.output.subarray(input.length).toString()).toBe('\r\nNOTICE: external sender\r\n');
    expect(result.reports[0]!.changes).toEqual(['added text disclaimer to message (spliced, utf-8, 8bit)']);
    expect((await run([notice()], result.output)).changed).toBe(false);
  });

  it('UTF-16LE quoted-printable: no bare CR or LF, mailparser reads original + disclaimer', async () => {
    const text = 'Hello world\r\nSecond line\r\n';
    const qp = [...iconv.encode(text, 'utf-16le')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const input = single('text/plain; charset=utf-16le', 'quoted-printable', Buffer.from(`${libqp.wrap(qp, 76)}\r\n`));
    const result = await run([notice()], input);
    expect(findBareLineBreaks(result.output)).toMatchObject({ bareCr: 0, bareLf: 0 });
    expect((await simpleParser(result.output)).text).toBe('Hello world\nSecond line\n\nNOTICE: external sender\n');
    expect((await run([notice()], result.output)).changed).toBe(false);
  });

  it('HTML: the bytes before and after the insertion point are the original ones', async () => {
    const html = Buffer.from('<html><head><title>Grüße</title></head><body><p>Grüße</p></body></html>\r\n');
    const input = single('text/html; charset=utf-8', '8bit', html);
    const result = await run([notice()], input);
    const at = input.indexOf('</body>');
    expect(result.output.subarray(0, at).equals(input.subarray(0, at))).toBe(true);
    expect(result.output.subarray(result.output.length - (input.length - at)).equals(input.subarray(at))).toBe(true);
    expect((await simpleParser(result.output)).html).toContain(
      '<p>Grüße</p><div data-wmflow-disclaimer="disclaimer"><p>NOTICE: external sender</p></div></body>',
    );
  });

  it('a charset that cannot carry the disclaimer and bytes that do not round-trip: a separate UTF-8 part', async () => {
    const body = Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0d, 0x0a]);
    const input = single('text/plain; charset=x-made-up', '8bit', body);
    const rule = disclaimerRule({ text: 'Vertraulich ✓' });
    const result = await run([rule], input);
    expect(result.reports[0]!.changes).toEqual([
      expect.stringMatching(/^text disclaimer for message needs a separate part: .*does not decode losslessly/),
      'added the disclaimer as a separate text/plain part in a new multipart/mixed',
    ]);
    const m = await parseMessage(result.output);
    expect(m.root.multipart).toBe('mixed');
    const [original, added] = m.root.children;
    expect(original!.rawBody().equals(body)).toBe(true);
    expect(original!.headers.getFirst('content-type')).toBe('text/plain; charset=x-made-up');
    expect(added!.headers.getFirst('content-type')).toMatch(/^text\/plain; charset=utf-8/);
    expect(getText(added!)).toBe('Vertraulich ✓');
    // Idempotent: the separate part is recognised.
    const again = await run([rule], result.output);
    expect(again.changed).toBe(false);
  });

  it('a separate part goes into the enclosing mixed, never into the alternative; the HTML half is spliced', async () => {
    const input = Buffer.concat([
      Buffer.from(
        [
          ...head,
          'Content-Type: multipart/mixed; boundary=m',
          '',
          '--m',
          'Content-Type: multipart/alternative; boundary=a',
          '',
          '--a',
          'Content-Type: text/plain; charset=x-made-up',
          'Content-Transfer-Encoding: 8bit',
          '',
          '',
        ].join('\r\n'),
      ),
      Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]),
      Buffer.from(
        [
          '',
          '--a',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>Hi</p>',
          '--a--',
          '--m',
          'Content-Type: application/pdf',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQK',
          '--m--',
          '',
        ].join('\r\n'),
      ),
    ]);
    const rule = disclaimerRule({ text: 'Vertraulich ✓' });
    const result = await run([rule], input);
    const m = await parseMessage(result.output);
    expect(m.root.children.map((c) => c.multipart || c.mediaType)).toEqual(['alternative', 'application/pdf', 'text/plain']);
    expect(m.root.children[0]!.children.map((c) => c.mediaType)).toEqual(['text/plain', 'text/html']);
    expect(m.root.children[0]!.children[0]!.rawBody().equals(Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65]))).toBe(true);
    expect(getText(m.root.children[2]!)).toBe('Vertraulich ✓');
    expect(getText(m.root.children[0]!.children[1]!)).toContain('<p>Vertraulich ✓</p></div>');
    expect(result.reports[0]!.changes).toEqual([
      'added HTML disclaimer to part 1.2 (spliced, utf-8, quoted-printable)',
      expect.stringMatching(/^text disclaimer for part 1.1 needs a separate part/),
      'added the disclaimer as a separate text/plain part in message',
    ]);
    expect((await run([rule], result.output)).changed).toBe(false);
  });

  it('base64 text: decodes to the original bytes followed by the disclaimer bytes', async () => {
    const original = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0d, 0x0a]);
    const input = single('text/plain; charset=utf-8', 'base64', Buffer.from(`${original.toString('base64')}\r\n`));
    const result = await run([notice()], input);
    const m = await parseMessage(result.output);
    const decoded = Buffer.from(m.root.rawBody().toString('latin1'), 'base64');
    expect(decoded.equals(Buffer.concat([original, Buffer.from('\r\nNOTICE: external sender\r\n')]))).toBe(true);
  });
});
