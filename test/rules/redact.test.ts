import fc from 'fast-check';
import iconv from 'iconv-lite';
import libqp from 'libqp';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { findBareLineBreaks, findReaderBodies, getText, parseMessage } from '../../lib/mime/index.js';
import { luhnValid, paymentCard } from '../../lib/redaction/detectors/payment-card.js';
import { iban } from '../../lib/redaction/detectors/iban.js';
import { usSsn } from '../../lib/redaction/detectors/us-ssn.js';
import { awsAccessKeyId } from '../../lib/redaction/detectors/aws-access-key-id.js';
import { emailAddress } from '../../lib/redaction/detectors/email-address.js';
import { redactHtml, redactText } from '../../lib/redaction/redact-text.js';
import { BUILTIN_DETECTOR_IDS, customRegexDetector, getBuiltinDetector } from '../../lib/redaction/registry.js';
import { redactRule } from '../../lib/rules/index.js';
import { run } from '../support/run.js';
import { allMessages, mail } from '../support/samples.js';

const all = BUILTIN_DETECTOR_IDS.map((id) => getBuiltinDetector(id)!);
const values = (d: { find(t: string): { value: string }[] }, t: string) => d.find(t).map((m) => m.value);

describe('detectors', () => {
  it('payment cards: Luhn, issuer prefix, separators, boundaries', () => {
    expect(values(paymentCard, 'a 4111 1111 1111 1111 b 5500-0000-0000-0004 c 378282246310005')).toEqual([
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
    ]);
    expect(values(paymentCard, '4111111111111112')).toEqual([]); // Luhn fails
    expect(values(paymentCard, '1234567812345670')).toEqual([]); // Luhn ok, no issuer
    expect(values(paymentCard, '94111111111111111')).toEqual([]); // inside a longer number
    // Mixed separators are how senders slip numbers past DLP: found.
    expect(values(paymentCard, '4111 1111-1111 1111')).toEqual(['4111 1111-1111 1111']);
  });

  it('US SSNs: valid ranges only, separators required', () => {
    expect(values(usSsn, '123-45-6789 and 123 45 6789')).toEqual(['123-45-6789', '123 45 6789']);
    for (const bad of ['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000', '078-05-1120', '219-09-9999', '123456789', '123-45 6789']) {
      expect(values(usSsn, `x ${bad} y`)).toEqual([]);
    }
  });

  it('IBANs: country length and mod-97', () => {
    expect(values(iban, 'pay GB82 WEST 1234 5698 7654 32 or DE89370400440532013000')).toEqual(['GB82 WEST 1234 5698 7654 32', 'DE89370400440532013000']);
    expect(values(iban, 'GB83 WEST 1234 5698 7654 32')).toEqual([]); // bad check digits
    expect(values(iban, 'GB82 WEST 1234 5698 7654')).toEqual([]); // wrong length
  });

  it('AWS access key ids and email addresses', () => {
    expect(values(awsAccessKeyId, 'key=AKIAIOSFODNN7EXAMPLE;')).toEqual(['AKIAIOSFODNN7EXAMPLE']);
    expect(values(awsAccessKeyId, 'XAKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(values(emailAddress, 'write to jane.doe+tag@mail.example.co.uk, not @foo or a@b')).toEqual(['jane.doe+tag@mail.example.co.uk']);
  });

  it('custom regexes are checked', () => {
    expect(values(customRegexDetector('ticket', 'TICKET-\\d{4}'), 'see TICKET-1234')).toEqual(['TICKET-1234']);
    expect(() => customRegexDetector('x', '(')).toThrow(/invalid regular expression/);
    expect(() => customRegexDetector('x', 'a*')).toThrow(/empty string/);
    expect(() => customRegexDetector('x', '(a)\\1')).toThrow(/backreferences like \\1 are not supported/);
    // Nested quantifiers are harmless on RE2: accepted, and linear on a near-miss.
    expect(values(customRegexDetector('x', '(a+)+b'), `${'a'.repeat(50_000)} aab`)).toEqual(['aab']);
  });
});

describe('redaction of text and HTML', () => {
  it('masks with keep-last and full styles and counts per detector', () => {
    expect(redactText('card 4111 1111 1111 1111, ssn 123-45-6789', all, { style: 'keep-last', keep: 4 })).toEqual({
      text: 'card **** **** **** 1111, ssn ***-**-6789',
      counts: { 'payment-card': 1, 'us-ssn': 1 },
    });
    expect(redactText('AKIAIOSFODNN7EXAMPLE', all, { style: 'full', replacement: '[KEY]' }).text).toBe('[KEY]');
  });

  it('never touches tags, attributes, URLs, comments or scripts unless asked; decodes entities', () => {
    const html =
      '<p title="4111111111111111">Card 4111&#32;1111 1111 1111 <a href="https://x.example/?c=4111111111111111">https://x.example/?c=4111111111111111</a></p><script>"4111111111111111"</script><!-- 4111111111111111 -->';
    const r = redactHtml(html, all, { style: 'full' });
    expect(r.html).toBe(html.replace('4111&#32;1111 1111 1111', '[REDACTED]'));
    expect(r.counts).toEqual({ 'payment-card': 1 });
    const withAttrs = redactHtml(html, all, { style: 'full' }, { attributes: true, urls: true });
    expect(withAttrs.counts['payment-card']).toBe(4);
    expect(withAttrs.html).toContain('<script>"4111111111111111"</script>');
  });

  const cardArb = fc
    .tuple(fc.constantFrom('4', '51', '37', '6011'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 14 }), fc.constantFrom('', ' ', '-'))
    .map(([prefix, rest, sep]) => {
      const len = prefix === '37' ? 15 : 16;
      const digits = (prefix + rest.join('')).slice(0, len - 1).padEnd(len - 1, '0');
      for (let d = 0; d <= 9; d++) if (luhnValid(digits + d)) return { digits: digits + d, text: (digits + d).replace(/(\d{4})(?=\d)/g, `$1${sep}`) };
      return { digits, text: digits };
    });

  it('leaves no detectable card number, for any text with any cards in it (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 20 }), cardArb), { maxLength: 5 }),
        fc.constantFrom<'full' | 'keep-last'>('full', 'keep-last'),
        (chunks, style) => {
          const text = chunks.map(([filler, card]) => `${filler} ${card.text} `).join('');
          const mask = style === 'full' ? ({ style: 'full' } as const) : ({ style: 'keep-last', keep: 4 } as const);
          const out = redactText(text, all, mask);
          expect(paymentCard.find(out.text)).toEqual([]);
          // Redacting again finds nothing at all (idempotent).
          expect(redactText(out.text, all, mask)).toEqual({ text: out.text, counts: {} });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('detectors never throw and stay fast on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (s) => {
        const started = performance.now();
        for (const d of all) d.find(s);
        expect(performance.now() - started).toBeLessThan(200);
      }),
      { numRuns: 200 },
    );
  });
});

const dlp = mail([
  'From: a@example.com',
  'To: b@example.org',
  'Subject: =?UTF-8?Q?Karte_f=C3=BCr_Sie:_4111_1111_1111_1111?=',
  'Content-Type: multipart/alternative; boundary=a',
  '',
  '--a',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Card 4111 1111 1111 1111, SSN 123-45-6789, invalid 000-12-3456.',
  '--a',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Card <b>4111 1111 1111 1111</b> <a href="https://pay.example/?card=4111111111111111">pay</a></p>',
  '--a--',
  '',
]);

describe('redact rule', () => {
  it('redacts subject (re-encoded), text and HTML text, reports counts, and asks for its action', async () => {
    const rule = redactRule({
      detectors: all,
      mask: { style: 'keep-last', keep: 4 },
      onFind: { action: 'BOUNCE', bounceMessage: 'Card numbers may not leave the company.' },
    });
    const result = await run([rule], dlp, { direction: 'OUTBOUND' });
    const m = await parseMessage(result.output);
    expect(m.headers.getDecoded('subject')).toEqual(['Karte für Sie: **** **** **** 1111']);
    expect(m.headers.getFirst('subject')).toBe('Karte =?UTF-8?Q?f=C3=BCr?= Sie: **** **** **** 1111');
    const bodies = findReaderBodies(m);
    expect(getText(bodies.text!)).toBe('Card **** **** **** 1111, SSN ***-**-6789, invalid 000-12-3456.');
    expect(getText(bodies.html!)).toBe('<p>Card <b>**** **** **** 1111</b> <a href="https://pay.example/?card=4111111111111111">pay</a></p>');
    // The card in the link is found (onFind acts on it) but not masked: links are left whole unless `urls`.
    expect(result.reports[0]!.counts).toEqual({ 'payment-card': 4, 'us-ssn': 1 });
    expect(result.reports[0]!.changes).toContain('found 1 match(es) in part 2 not masked (in URLs or attributes, which the rule leaves)');
    expect(result.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'Card numbers may not leave the company.' }]);
    const again = await run([rule], result.output, { direction: 'OUTBOUND' });
    expect(again.changed).toBe(false);
    // Still a card in the link: the decision is the same on a second pass.
    expect(again.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'Card numbers may not leave the company.' }]);
  });

  it('honours scopes', async () => {
    const result = await run([redactRule({ detectors: all, scopes: ['text'] })], dlp);
    const m = await parseMessage(result.output);
    expect(m.headers.getDecoded('subject')[0]).toContain('4111 1111 1111 1111');
    expect(getText(findReaderBodies(m).html!)).toContain('<b>4111 1111 1111 1111</b>');
    expect(getText(findReaderBodies(m).text!)).toContain('[REDACTED]');
  });

  it.each(allMessages())('%s: redaction is idempotent and leaves no card number in the reader bodies', async (_n, input) => {
    const rule = redactRule({ detectors: all });
    const first = await run([rule], input);
    const second = await run([rule], first.output);
    expect(second.changed).toBe(false);
    const m = await parseMessage(first.output);
    const bodies = findReaderBodies(m);
    if (bodies.text) expect(paymentCard.find(getText(bodies.text))).toEqual([]);
  });
});

describe('redact rule: bodies that do not decode losslessly', () => {
  const single = (ct: string, cte: string, body: Buffer) =>
    Buffer.concat([
      Buffer.from(['From: a@example.com', 'To: b@example.org', 'Subject: s', `Content-Type: ${ct}`, `Content-Transfer-Encoding: ${cte}`, '', ''].join('\r\n')),
      body,
    ]);

  it('Latin-1 bytes labelled utf-8: left as they are, with the reason reported; onFind still acts', async () => {
    const body = Buffer.concat([Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from(' card 4111 1111 1111 1111\r\n')]);
    const input = single('text/plain; charset=utf-8', '8bit', body);
    const plain = await run([redactRule({ detectors: all })], input);
    expect(plain.output.equals(input)).toBe(true);
    expect(plain.reports[0]).toMatchObject({ status: 'skipped', counts: { 'payment-card': 1 } });
    expect(plain.reports[0]!.reason).toMatch(/not redacted in message \(see changes for why\)/);
    expect(plain.reports[0]!.changes).toContainEqual(expect.stringMatching(/left message unredacted: its bytes are not valid utf-8/));
    const bounce = await run([redactRule({ detectors: all, onFind: { action: 'BOUNCE' } })], input);
    expect(bounce.output.equals(input)).toBe(true);
    expect(bounce.actions).toEqual([{ type: 'BOUNCE', bounceMessage: 'Message blocked: it contains sensitive data.' }]);
  });

  it('UTF-16LE quoted-printable: redacted, re-encoded without bare CR or LF octets', async () => {
    const text = 'Card 4111 1111 1111 1111\r\nthanks\r\n';
    const qp = [...iconv.encode(text, 'utf-16le')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const input = single('text/plain; charset=utf-16le', 'quoted-printable', Buffer.from(libqp.wrap(qp, 76)));
    const result = await run([redactRule({ detectors: all })], input);
    expect(findBareLineBreaks(result.output)).toMatchObject({ bareCr: 0, bareLf: 0 });
    expect((await simpleParser(result.output)).text).toBe('Card [REDACTED]\nthanks\n');
  });
});
