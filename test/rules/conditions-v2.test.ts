import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { findAttachments, parseHeadersOnly, parseMessage, type MimeMessage } from '../../lib/mime/index.js';
import { decodedSize, detectTrueTypes } from '../../lib/rules/attachment-match.js';
import { readAuthenticationResults } from '../../lib/rules/authentication-results.js';
import { type ConfigError, evaluateCondition, parseRulesConfig, type Condition } from '../../lib/rules/index.js';
import { run } from '../support/run.js';
import { mail } from '../support/samples.js';

/** A tiny PE file: file-type recognises `MZ` at offset 0. */
const PE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62, 0x90)]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function multipart(parts: { headers: string[]; body: string }[], top: string[] = []): Buffer {
  const lines = [
    'From: a@partner.org',
    'To: user@example.com',
    'Subject: Quarterly report',
    ...top,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    'preamble',
  ];
  for (const p of parts) lines.push('--b1', ...p.headers, '', p.body);
  lines.push('--b1--', '');
  return mail(lines);
}
const b64 = (bytes: Buffer) =>
  bytes
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n')
    .trimEnd();

const message = await parseMessage(
  multipart(
    [
      {
        headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
        body: 'Please wire the money to the =C3=BCber account.\r\nCard 4111 1111 1111 1111 and 5500 0000 0000 0004.',
      },
      {
        headers: [
          'Content-Type: application/pdf; name="invoice.pdf"',
          'Content-Disposition: attachment; filename="invoice.pdf"',
          'Content-Transfer-Encoding: base64',
        ],
        body: b64(PE),
      },
      {
        headers: ['Content-Type: image/png', 'Content-Disposition: attachment; filename="photo.png"', 'Content-Transfer-Encoding: base64'],
        body: b64(Buffer.concat([PNG, Buffer.alloc(3000, 1)])),
      },
    ],
    [
      'Authentication-Results: mx.example.com; spf=pass (sender ok) smtp.mailfrom=partner.org; dkim=fail header.d=x.org; dkim=pass header.d=partner.org; dmarc=fail (p=reject) header.from=partner.org',
      'Authentication-Results: evil.example; spf=fail',
    ],
  ),
);
const html = await parseMessage(
  mail([
    'From: a@partner.org',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><head><title>t</title><style>.secret{}</style></head><body><p>Hello &amp; wire&nbsp;transfer</p><!-- confidential --><script>var confidential=1</script><p>IBAN DE89 3704 0044 0532 0130 00</p></body></html>',
    '',
  ]),
);
const trueTypes = await detectTrueTypes(message);
const input = (m: MimeMessage, extra: object = {}) => ({
  direction: 'INBOUND' as const,
  mailFrom: 'a@partner.org',
  sender: undefined,
  recipients: ['user@example.com'],
  orgDomains: ['example.com'],
  message: m,
  trueTypes,
  ...extra,
});
const holds = (c: Condition, m = message, extra: object = {}) => evaluateCondition(c, input(m, extra));

describe('body condition', () => {
  it('finds whole words in the decoded text body, any case', () => {
    expect(holds({ body: { words: ['WIRE'] } })).toBe(true);
    expect(holds({ body: { words: ['über account'] } })).toBe(true); // decoded from quoted-printable
    expect(holds({ body: { words: ['wir', 'ccount'] } })).toBe(false); // parts of words do not count
    expect(holds({ body: { pattern: { pattern: 'money\\s+to', flags: 'i' } } })).toBe(true);
    expect(holds({ body: { pattern: { pattern: '^Card', flags: 'm' } } })).toBe(true);
    expect(holds({ body: { pattern: { pattern: 'invoice\\.pdf' } } })).toBe(false); // headers and attachments are not body
  });

  it('reads HTML as the text a reader sees: references decoded, never tags, comments or scripts', () => {
    expect(holds({ body: { words: ['wire transfer'] } }, html)).toBe(true);
    expect(holds({ body: { words: ['Hello & wire'] } }, html)).toBe(true);
    expect(holds({ body: { words: ['confidential'] } }, html)).toBe(false);
    expect(holds({ body: { words: ['secret', 'nbsp'] } }, html)).toBe(false);
  });
});

describe('detector condition', () => {
  it('counts what DLP detectors find, redacting nothing', () => {
    const before = message.toBuffer();
    expect(holds({ detector: { detectors: ['payment-card'] } })).toBe(true);
    expect(holds({ detector: { detectors: ['payment-card'], atLeast: 2 } })).toBe(true);
    expect(holds({ detector: { detectors: ['payment-card'], atLeast: 3 } })).toBe(false);
    expect(holds({ detector: { detectors: ['us-ssn', 'iban'] } })).toBe(false);
    expect(holds({ detector: { detectors: ['iban'] } }, html)).toBe(true);
    expect(holds({ detector: { detectors: [{ pattern: 'Quarterly' }] } })).toBe(true); // the subject counts
    expect(message.toBuffer().equals(before)).toBe(true);
    expect(message.modified).toBe(false);
  });
});

describe('attachment condition, extended', () => {
  it('matches true types from magic bytes whatever the name and declared type say', () => {
    expect(holds({ attachment: { trueTypes: ['exe'] } })).toBe(true);
    expect(holds({ attachment: { trueTypes: ['application/x-msdownload'] } })).toBe(true);
    expect(holds({ attachment: { extensions: ['exe'] } })).toBe(false); // the name lies
    expect(holds({ attachment: { trueTypes: ['pdf', 'zip'] } })).toBe(false);
    expect(holds({ attachment: { trueTypes: ['png'], maxSize: 100 } })).toBe(false);
    // Without detected types the answer is unknown, not false.
    expect(evaluateCondition({ attachment: { trueTypes: ['exe'] } }, { ...input(message), trueTypes: undefined })).toBeUndefined();
    expect(evaluateCondition({ attachment: { extensions: ['png'], trueTypes: ['exe'] } }, { ...input(message), trueTypes: undefined })).toBe(true);
  });

  it('matches decoded sizes and file-name patterns', async () => {
    // The oracle: mailparser's decoded sizes.
    const parsed = await simpleParser(message.toBuffer());
    const sizes = parsed.attachments.map((a) => a.size).sort((a, b) => a - b);
    expect(sizes).toEqual([64, 3016]);
    expect(holds({ attachment: { minSize: 3016 } })).toBe(true);
    expect(holds({ attachment: { minSize: 3017 } })).toBe(false);
    expect(holds({ attachment: { maxSize: 64, extensions: ['pdf'] } })).toBe(true);
    expect(holds({ attachment: { maxSize: 63 } })).toBe(false);
    expect(holds({ attachment: { filenamePattern: { pattern: '^INVOICE', flags: 'i' } } })).toBe(true);
    expect(holds({ attachment: { filenamePattern: { pattern: '\\.docx?$' } } })).toBe(false);
  });

  it('the engine detects true types itself for when/unless', async () => {
    const rule = { name: 't', type: 'custom', when: { attachment: { trueTypes: ['exe'] } }, run: () => undefined };
    const r = await run([rule], message.toBuffer());
    expect(r.reports[0]!.status).toBe('unchanged'); // ran: the condition held
    const clean = await run([rule], mail(['From: a@b.org', '', 'hi', '']));
    expect(clean.reports[0]).toMatchObject({ status: 'skipped', reason: 'condition not met' });
  });
});

describe('headerMissing and authentication', () => {
  it('headerMissing holds when the field is absent', () => {
    expect(holds({ headerMissing: 'X-Absent' })).toBe(true);
    expect(holds({ headerMissing: 'subject' })).toBe(false);
    expect(evaluateCondition({ headerMissing: 'X-Absent' }, { ...input(message), inspect: 'envelope' })).toBeUndefined();
  });

  it('reads only the top-most Authentication-Results: comments ignored, any DKIM pass counts', () => {
    expect(readAuthenticationResults(message.headers)).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'fail' });
    expect(holds({ authentication: { spf: 'pass', dmarc: 'fail' } })).toBe(true);
    expect(holds({ authentication: { spf: 'fail' } })).toBe(false); // the lower, second header says fail: not read
    expect(holds({ authentication: { dmarc: ['none', 'missing'] } })).toBe(false);
    const bare = parseHeadersOnly(mail(['From: a@b.org', '', '']));
    expect(holds({ authentication: { dmarc: 'missing' } }, bare as MimeMessage)).toBe(true);
    const odd = parseHeadersOnly(mail(['Authentication-Results: mx.example.com 1; auth=pass (spf=pass); spf/2 = softfail; dmarc="pass"; garbage', '', '']));
    expect(readAuthenticationResults(odd.headers)).toEqual({ spf: 'softfail', dkim: 'missing', dmarc: 'missing' });
    const none = parseHeadersOnly(mail(['Authentication-Results: mx.example.com; none', '', '']));
    expect(readAuthenticationResults(none.headers)).toEqual({ spf: 'missing', dkim: 'missing', dmarc: 'missing' });
  });
});

describe('unknown when the body could not be inspected', () => {
  it('body, detector and attachment conditions are undefined at the headers level', () => {
    for (const c of [{ body: { words: ['x'] } }, { detector: { detectors: ['iban'] } }, { attachment: { minSize: 1 } }] as Condition[]) {
      expect(evaluateCondition(c, { ...input(message), inspect: 'headers' })).toBeUndefined();
    }
  });
});

describe('configuration', () => {
  it('accepts the new conditions and reports their mistakes with paths', () => {
    expect(() =>
      parseRulesConfig({
        rules: [
          {
            type: 'action',
            action: 'BOUNCE',
            when: {
              body: { words: ['confidential'], pattern: { pattern: 'x+' } },
              detector: { detectors: ['payment-card', { pattern: 'TICKET-\\d+' }], atLeast: 2 },
              attachment: { trueTypes: ['exe'], filenamePattern: { pattern: '\\.js$', flags: 'i' }, minSize: 1, maxSize: 10 },
              headerMissing: 'X-Scanned',
              authentication: { spf: ['fail', 'softfail'], dmarc: 'fail' },
            },
          },
        ],
      }),
    ).not.toThrow();
    let problems: string[] = [];
    try {
      parseRulesConfig({
        rules: [
          {
            type: 'action',
            action: 'DROP',
            when: {
              body: {},
              detector: { detectors: ['credit_card'] },
              authentication: { spf: 'passed' },
              attachment: { filenamePattern: { pattern: '(a)\\1' } },
            },
          },
        ],
      });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.sort()).toEqual([
      expect.stringMatching(/^rules\[0\]\.when\.attachment\.filenamePattern\.pattern: backreferences/),
      expect.stringMatching(/^rules\[0\]\.when\.authentication\.spf: expected one of pass, fail/),
      'rules[0].when.body: give words, a pattern or both',
      'rules[0].when.detector.detectors[0]: unknown detector "credit_card" (did you mean "payment-card"?)',
    ]);
  });
});

describe('helpers', () => {
  it('decoded sizes agree with mailparser for base64, quoted-printable and identity bodies', async () => {
    const m = multipart([
      { headers: ['Content-Type: text/plain'], body: 'body' },
      {
        headers: ['Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="a.bin"', 'Content-Transfer-Encoding: base64'],
        body: b64(Buffer.alloc(1001, 3)),
      },
      {
        headers: [
          'Content-Type: text/plain; charset=utf-8',
          'Content-Disposition: attachment; filename="q.txt"',
          'Content-Transfer-Encoding: quoted-printable',
        ],
        body: 'caf=C3=A9 soft=\r\nbreak =3D',
      },
      { headers: ['Content-Type: text/csv', 'Content-Disposition: attachment; filename="c.csv"'], body: 'a,b\r\n1,2' },
    ]);
    const parsed = await simpleParser(m);
    const ours = findAttachments(await parseMessage(m)).map((a) => decodedSize(a.part));
    expect(ours).toEqual(parsed.attachments.map((a) => a.size));
    expect(ours[0]).toBe(1001);
  });

  it('findAttachments agrees with what true-type detection covered', () => {
    expect(findAttachments(message).map((a) => trueTypes.get(a.part)?.ext)).toEqual(['exe', 'png']);
  });
});
