import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { processMessage } from '../../lib/core/index.js';
import { findAttachments, parseMessage } from '../../lib/mime/index.js';
import { attachmentRule, parseRulesConfig, runRules, type AttachmentRuleOptions } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { run } from '../support/run.js';
import { allMessages, mail, sample } from '../support/samples.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (bytes: Buffer, eol = '\r\n') =>
  bytes
    .toString('base64')
    .replace(/.{1,76}/g, `$&${eol}`)
    .slice(0, -eol.length);

/** A tiny PE file: `MZ` at offset 0 is what file-type needs to say `exe`. */
const PE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(5000, 7)]);

function build(eol = '\r\n'): Buffer {
  return mail(
    [
      'From: a@partner.org',
      'To: user@example.com',
      'Date: Mon, 1 Jan 2024 00:00:00 +0000',
      'Message-ID: <1@partner.org>',
      'Subject: Documents',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      'This is a multi-part message.',
      '--outer',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'See attached.',
      '--outer',
      'Content-Type: application/pdf; name="contract.pdf"',
      'Content-Disposition: attachment; filename="contract.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(PDF, eol),
      '--outer',
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(PE, eol),
      '--outer',
      'Content-Type: image/png',
      'Content-Disposition: attachment; filename="photo.png"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(PNG, eol),
      '--outer--',
      'epilogue',
      '',
    ],
    eol,
  );
}
const input = build();

/** The bytes of one part (headers and body) and where they start in the message. */
async function partSpan(bytes: Buffer, filename: string): Promise<{ start: number; end: number }> {
  const m = await parseMessage(bytes);
  const part = findAttachments(m).find((a) => a.filename === filename)!.part;
  const own: Buffer[] = [];
  part.collect(own);
  const body = Buffer.concat(own);
  const start = bytes.indexOf(body);
  expect(start).toBeGreaterThan(0);
  expect(bytes.indexOf(body, start + 1)).toBe(-1);
  return { start, end: start + body.length };
}

const rule = (o: Partial<AttachmentRuleOptions> = {}) => attachmentRule({ match: { trueTypes: ['exe'] }, action: 'remove', ...o });

describe('attachment rule: remove', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
  ])('%s: replaces the disguised .exe in place with a notice; every other byte is the same', async (_n, eol) => {
    const original = build(eol);
    const r = await run([rule()], original);
    expect(r.reports[0]).toMatchObject({ status: 'applied', counts: { 'attachments.removed': 1 } });
    expect(r.reports[0]!.changes).toEqual([`part 3: removed attachment "invoice.pdf" (application/pdf, ${PE.length} bytes)`]);

    // Outside the replaced part, the bytes are the original's.
    const span = await partSpan(original, 'invoice.pdf');
    expect(r.output.subarray(0, span.start).equals(original.subarray(0, span.start))).toBe(true);
    const tail = original.subarray(span.end);
    expect(r.output.subarray(r.output.length - tail.length).equals(tail)).toBe(true);

    // The oracle: mailparser sees the notice instead of the .exe, and the other files unchanged.
    const before = await simpleParser(original);
    const after = await simpleParser(r.output);
    expect(after.attachments.map((a) => a.filename)).toEqual(['contract.pdf', 'invoice.pdf.removed.txt', 'photo.png']);
    const notice = after.attachments[1]!;
    expect(notice.contentType).toBe('text/plain');
    expect(notice.content.toString()).toBe(`The attachment "invoice.pdf" (${PE.length} bytes) was removed by your organisation's mail policy.`);
    expect(after.attachments.some((a) => a.content.subarray(0, 2).toString() === 'MZ')).toBe(false);
    for (const i of [0, 2]) expect(sha(after.attachments[i]!.content)).toBe(sha(before.attachments[i]!.content));
    expect(after.text?.trim()).toBe('See attached.');
    expect(r.output.includes('\r\n')).toBe(eol === '\r\n');
  });

  it('is idempotent and keeps WorkMail content checks happy (through the core step)', async () => {
    const rules = [rule({ match: { extensions: ['pdf'], filenamePattern: { pattern: 'removed' } } })];
    const first = await processMessage({
      bytes: input,
      envelope: { direction: 'INBOUND', mailFrom: 'a@partner.org', recipients: ['user@example.com'] },
      rules,
      orgDomains: ['example.com'],
      platform: WORKMAIL_PLATFORM,
    });
    expect(first.status).toBe('updated');
    expect(first.reports[0]!.counts).toEqual({ 'attachments.removed': 2 });
    const second = await processMessage({
      bytes: first.bytes,
      envelope: { direction: 'INBOUND', mailFrom: 'a@partner.org', recipients: ['user@example.com'] },
      rules,
      orgDomains: ['example.com'],
      platform: WORKMAIL_PLATFORM,
    });
    expect(second.status).toBe('unchanged');
  });

  it('matches by size, declared type and name; nothing matches → unchanged', async () => {
    const big = await run([rule({ match: { minSize: 5000 } })], input);
    expect((await simpleParser(big.output)).attachments.map((a) => a.filename)).toEqual(['contract.pdf', 'invoice.pdf', 'photo.png.removed.txt']);
    const none = await run([rule({ match: { contentTypes: ['application/zip'] } })], input);
    expect(none.changed).toBe(false);
    expect(none.reports[0]).toMatchObject({ status: 'unchanged', reason: 'no matching attachment' });
  });

  it('a message that is one attachment keeps its top-level headers', async () => {
    const original = sample('attachment-only-pdf.eml');
    const r = await run([rule({ match: { contentTypes: ['application/pdf'] } })], original);
    expect(r.changed).toBe(true);
    const before = await parseMessage(original);
    const after = await parseMessage(r.output);
    const nonContent = (m: typeof before) =>
      m.headers
        .list()
        .filter((f) => !/^(content-|mime-version)/i.test(f.name))
        .map((f) => f.raw.toString('latin1'));
    expect(nonContent(after)).toEqual(nonContent(before));
    const parsed = await simpleParser(r.output);
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['text/plain']);
    expect(parsed.attachments[0]!.content.toString()).toMatch(/was removed/);
  });

  it('does not open attached messages, but can match one as a whole', async () => {
    const original = sample('forwarded-rfc822.eml');
    const inner = await run([rule({ match: { extensions: ['pdf'] } })], original);
    expect(inner.changed).toBe(false);
    const whole = await run([rule({ match: { contentTypes: ['message/rfc822'] } })], original);
    expect((await simpleParser(whole.output)).attachments.map((a) => a.filename)).toEqual(['Price list 2027.eml.removed.txt']);
  });

  it('leaves signed mail byte-identical by default, and can wrap or bounce it instead', async () => {
    for (const name of ['smime-signed.eml', 'pgp-signed.eml']) {
      const original = sample(name);
      const r = await run([rule({ match: {} })], original);
      expect(r.output.equals(original)).toBe(true);
      expect(r.reports[0]!.status).toBe('skipped');
      expect(r.reports[0]!.reason).toMatch(/signed/);
    }
    const bounced = await run([rule({ match: {}, onProtected: 'bounce' })], sample('smime-signed.eml'));
    expect(bounced.actions.map((a) => a.type)).toEqual(['BOUNCE']);
    expect(bounced.changed).toBe(false);
  });
});

describe('attachment rule: quarantine', () => {
  it('keeps the decoded original under a deterministic key in the S3 alphabet, named in the notice and report', async () => {
    const q = rule({ action: 'quarantine' });
    const one = await run([q], input);
    const two = await run([q], input);
    expect(one.kept).toHaveLength(1);
    const kept = one.kept[0]!;
    expect(kept.key).toBe(sha(PE));
    expect(kept.key).toMatch(/^[a-zA-Z0-9\-/]+$/);
    expect(two.kept[0]!.key).toBe(kept.key);
    expect(kept.bytes.equals(PE)).toBe(true);
    expect(kept).toMatchObject({ name: 'invoice.pdf', contentType: 'application/pdf', rule: 'attachment-quarantine' });
    expect(one.reports[0]!.kept).toEqual([kept.key]);
    expect(one.reports[0]!.changes[0]).toContain(`quarantined as ${kept.key}`);
    const notice = (await simpleParser(one.output)).attachments[1]!;
    expect(notice.content.toString()).toContain(kept.key);
    expect(one.output.equals(two.output)).toBe(true);
  });

  it('in audit mode keeps nothing and changes nothing, but reports the key', async () => {
    const r = await run([{ ...rule({ action: 'quarantine' }), mode: 'audit' }], input);
    expect(r.output.equals(input)).toBe(true);
    expect(r.kept).toEqual([]);
    expect(r.reports[0]).toMatchObject({ status: 'would-apply', kept: [sha(PE)] });
  });

  it('the core step hands kept files over only with updated content', async () => {
    const envelope = { direction: 'INBOUND' as const, mailFrom: 'a@partner.org', recipients: ['user@example.com'] };
    const done = await processMessage({
      bytes: input,
      envelope,
      rules: [rule({ action: 'quarantine' })],
      orgDomains: ['example.com'],
      platform: WORKMAIL_PLATFORM,
    });
    expect(done.status).toBe('updated');
    expect(done.kept.map((k) => k.key)).toEqual([sha(PE)]);
    // Remove the Date header from the input: the pre-flight declines the update, the original goes, nothing is kept.
    const noDate = Buffer.from(input.toString('latin1').replace('Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n', ''), 'latin1');
    const declined = await processMessage({
      bytes: noDate,
      envelope,
      rules: [rule({ action: 'quarantine' })],
      orgDomains: ['example.com'],
      platform: WORKMAIL_PLATFORM,
    });
    expect(declined.status).toBe('declined');
    expect(declined.kept).toEqual([]);
  });
});

describe('attachment rule: block', () => {
  it('bounces (a delivery action only: the content is untouched)', async () => {
    const envelope = { direction: 'OUTBOUND' as const, mailFrom: 'me@example.com', recipients: ['x@partner.org'] };
    const out = await processMessage({ bytes: input, envelope, rules: [rule({ action: 'block' })], orgDomains: ['example.com'], platform: WORKMAIL_PLATFORM });
    expect(out.status).toBe('unchanged');
    expect(out.bytes.equals(input)).toBe(true);
    expect(out.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'Message blocked: it carries an attachment type that is not allowed.' }]);
    const drop = await run([rule({ action: 'block', blockWith: 'DROP' })], input);
    expect(drop.actions).toEqual([{ type: 'DROP' }]);
    const clean = await run([rule({ action: 'block', match: { trueTypes: ['zip'] } })], input);
    expect(clean.actions).toEqual([]);
  });

  it('fails closed when the message cannot be inspected; remove does not', async () => {
    const uninspectable = async (o: Partial<AttachmentRuleOptions>) =>
      runRules([rule(o)], {
        message: await parseMessage(input),
        direction: 'INBOUND',
        mailFrom: 'a@partner.org',
        recipients: ['u@example.com'],
        orgDomains: ['example.com'],
        uninspectable: { reason: 'too deep', level: 'headers' },
      });
    expect((await uninspectable({ action: 'block', bounceMessage: 'no' })).actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'no' }]);
    expect((await uninspectable({ action: 'block', onUninspectable: 'skip' })).actions).toEqual([]);
    expect((await uninspectable({ action: 'remove' })).actions).toEqual([]);
  });
});

describe('attachment rule: configuration', () => {
  it('loads from JSON and refuses contradictory options with paths', () => {
    const config = parseRulesConfig({
      rules: [
        {
          type: 'attachment',
          name: 'no-exe',
          match: { trueTypes: ['exe'], extensions: ['exe', 'scr'] },
          action: 'quarantine',
          notice: 'Removed {{filename}}: ask for {{key}}.',
        },
      ],
    });
    expect(config.rules[0]).toMatchObject({ name: 'no-exe', type: 'attachment' });
    let problems: string[] = [];
    try {
      parseRulesConfig({
        rules: [
          { type: 'attachment', match: {}, action: 'remove', onUninspectable: 'apply', notice: 'x {{nope}}' },
          { type: 'attachment', match: {}, action: 'quarantine', notice: 'no key here' },
          { type: 'attachment', match: { minSize: -1 }, action: 'block', notice: 'x' },
          { type: 'attachment', match: {}, action: 'delete' },
          { type: 'attachment', match: { minSize: 10, maxSize: 9 }, action: 'remove' },
        ],
      });
    } catch (err) {
      problems = (err as { problems: string[] }).problems;
    }
    expect(problems).toEqual([
      'rules[0].notice: unknown template field {{nope}}; use sender, recipients, date, direction, filename, size, type, key',
      'rules[0].onUninspectable: "apply" needs a blocking action: "remove" cannot remove what it cannot see',
      'rules[1].notice: a quarantine notice must name {{key}}, so the file can be found',
      expect.stringMatching(/^rules\[2\]\.match\.minSize: /),
      expect.stringMatching(/^rules\[3\]\.action: /),
      'rules[4].match.minSize: minSize is over maxSize: nothing could match',
    ]);
  });
});

describe('attachment rule over every sample and corpus message', () => {
  const envelope = { direction: 'INBOUND' as const, mailFrom: 'a@partner.org', recipients: ['user@example.com'] };
  const removeAll = [attachmentRule({ match: {}, action: 'quarantine' })];

  it.each(allMessages())('%s: every attachment becomes a notice, once; WorkMail accepts the result', async (_name, input) => {
    const first = await processMessage({ bytes: input, envelope, rules: removeAll, orgDomains: ['example.com'], platform: WORKMAIL_PLATFORM });
    if (first.status === 'declined') {
      // Only for a message WorkMail would refuse to take back as it is (no Date, unclosed multipart…).
      const original = await parseMessage(input);
      const errors = WORKMAIL_PLATFORM.content.check(original, input, WORKMAIL_PLATFORM.content.baseline(original)).filter((p) => p.severity === 'error');
      expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining(first.reasons.map((r) => r.replace(/^WorkMail would reject the update: /, ''))));
      return;
    }
    if (first.status !== 'updated') return;
    const before = findAttachments(await parseMessage(input));
    const after = findAttachments(await parseMessage(first.bytes));
    expect(after).toHaveLength(before.length);
    for (const a of after) expect(a.filename).toMatch(/\.removed\.txt$/);
    expect(first.kept.length).toBeGreaterThanOrEqual(1);
    const second = await processMessage({ bytes: first.bytes, envelope, rules: removeAll, orgDomains: ['example.com'], platform: WORKMAIL_PLATFORM });
    expect(second.status).toBe('unchanged');
  });
});
