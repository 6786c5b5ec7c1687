import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { processMessage } from '../../lib/core/index.js';
import { parseMessage } from '../../lib/mime/index.js';
import { parseRulesConfig } from '../../lib/rules/index.js';
import { directionOf, ehloKeywords, parseJunkHeader, replyText, SMTP_CONTENT_POLICY, SMTP_PLATFORM, withJunkHeader } from '../../lib/smtp/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { mail } from '../support/samples.js';

describe('SMTP platform', () => {
  it('allows header edits WorkMail forbids (immutable there), and still refuses structural ones', () => {
    const json = { rules: [{ type: 'header', operations: [{ op: 'set', name: 'Message-ID', value: '<new@example.com>' }] }] };
    expect(() => parseRulesConfig(json, { platform: SMTP_PLATFORM })).not.toThrow();
    expect(() => parseRulesConfig(json, { platform: WORKMAIL_PLATFORM })).toThrow(/immutable/);
    expect(() =>
      parseRulesConfig({ rules: [{ type: 'header', operations: [{ op: 'set', name: 'Content-Type', value: 'text/plain' }] }] }, { platform: SMTP_PLATFORM }),
    ).toThrow(/MIME structure/);
  });

  it('the content policy: unclosed multiparts, long lines and new bare LFs are errors; WorkMail-only checks are absent', async () => {
    const original = mail([
      'From: a@b.org',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'x',
      '--b',
      'Content-Type: application/x-msdownload; name=a.exe',
      'Content-Disposition: attachment; filename=a.exe',
      '',
      'MZ',
      '--b--',
      '',
    ]);
    const message = await parseMessage(original);
    const baseline = SMTP_CONTENT_POLICY.baseline(message);
    // An .exe attachment and a missing Date/Message-ID: WorkMail objects, SMTP does not.
    expect(SMTP_CONTENT_POLICY.check(message, original, baseline)).toEqual([]);
    const bareLf = Buffer.from(original.toString().replace('\r\nx\r\n', '\r\nx\ny\r\n'));
    expect(SMTP_CONTENT_POLICY.check(message, bareLf, baseline).map((p) => p.code)).toEqual(['BARE_LINE_BREAK']);
    const unclosed = await parseMessage(Buffer.from(original.toString().replace('--b--\r\n', '')));
    expect(SMTP_CONTENT_POLICY.check(unclosed, unclosed.original, baseline).map((p) => p.code)).toEqual(['MULTIPART_UNCLOSED']);
    const long = mail(['From: a@b.org', '', 'x'.repeat(1200), '']);
    const longMessage = await parseMessage(long);
    expect(SMTP_CONTENT_POLICY.check(longMessage, long, SMTP_CONTENT_POLICY.baseline(longMessage)).map((p) => p.code)).toEqual(['LINE_TOO_LONG']);
  });

  it('processMessage with the SMTP platform repairs an untouched long line like the Lambda does', async () => {
    const config = parseRulesConfig({ rules: [{ type: 'subject-tag', tag: '[X]' }] }, { platform: SMTP_PLATFORM });
    const bytes = mail(['From: a@b.org', 'Subject: hi', 'Content-Type: text/plain', '', 'y'.repeat(1500), '']);
    const out = await processMessage({
      bytes,
      envelope: { direction: 'INBOUND', mailFrom: 'a@b.org', recipients: ['c@example.com'] },
      rules: config.rules,
      orgDomains: [],
      platform: SMTP_PLATFORM,
    });
    expect(out.status).toBe('updated');
    expect(out.repaired).toEqual(['']);
    expect((await simpleParser(out.bytes)).text?.trim()).toBe('y'.repeat(1500));
  });

  it('direction from MAIL FROM: the organisation and its subdomains are outbound; others and <> inbound', () => {
    expect(directionOf('me@example.com', ['example.com'])).toBe('OUTBOUND');
    expect(directionOf('me@mail.Example.com', ['example.com'])).toBe('OUTBOUND');
    expect(directionOf('me@notexample.com', ['example.com'])).toBe('INBOUND');
    expect(directionOf('', ['example.com'])).toBe('INBOUND');
  });
});

describe('junk header', () => {
  it('is spliced into the top header block only, with the message line ending', () => {
    const crlf = mail(['From: a@b.org', 'Content-Type: message/rfc822', '', 'From: inner@c.org', '', 'inner body', '']);
    expect(withJunkHeader(crlf, parseJunkHeader('X-Spam-Flag: YES')).toString()).toBe(
      crlf.toString().replace('message/rfc822\r\n', 'message/rfc822\r\nX-Spam-Flag: YES\r\n'),
    );
    const lf = mail(['From: a@b.org', '', 'body', ''], '\n');
    expect(withJunkHeader(lf, parseJunkHeader('X-Spam-Flag: YES')).toString()).toBe('From: a@b.org\nX-Spam-Flag: YES\n\nbody\n');
  });

  it('replaces an upstream value instead of adding a second one', () => {
    const bytes = mail(['X-Spam-Flag: NO', 'From: a@b.org', '', 'b', '']);
    expect(withJunkHeader(bytes, parseJunkHeader('X-Spam-Flag: YES')).toString()).toBe('X-Spam-Flag: YES\r\nFrom: a@b.org\r\n\r\nb\r\n');
  });

  it('a headers-only message without the blank line keeps its shape', () => {
    expect(withJunkHeader(Buffer.from('From: a@b.org\r\nSubject: x'), parseJunkHeader('X-Junk: 1')).toString()).toBe(
      'From: a@b.org\r\nSubject: x\r\nX-Junk: 1\r\n',
    );
  });

  it('refuses malformed or structural header options', () => {
    expect(() => parseJunkHeader('no colon')).toThrow(/X-Spam-Flag: YES/);
    expect(() => parseJunkHeader('Bad Name: x')).toThrow();
    expect(() => parseJunkHeader('X-Spam-Flag:')).toThrow();
    expect(() => parseJunkHeader('Content-Type: text/plain')).toThrow(/MIME structure/);
  });
});

describe('SMTP helpers', () => {
  it('reply text is one ASCII line of at most 450 octets', () => {
    expect(replyText('Zugriff verweigert:\r\nÄnderung nötig')).toBe('Zugriff verweigert: Anderung notig');
    expect(replyText('日本')).toBe('??');
    expect(replyText('x'.repeat(1000))).toHaveLength(450);
  });

  it('EHLO keywords', () => {
    expect([...ehloKeywords('250-mx hello\n250-PIPELINING\n250-SIZE 1000\n250-8BITMIME\n250 SMTPUTF8')]).toEqual([
      'PIPELINING',
      'SIZE',
      '8BITMIME',
      'SMTPUTF8',
    ]);
    expect(ehloKeywords('250 mx only').size).toBe(0);
  });
});
