import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mail } from '../support/samples.js';
import { connect, onTheWire, RawClient, rules, send, startFilter, startSink } from './support.js';

const NO_RULES = rules({ orgDomains: ['example.com'], rules: [] });
const small = (subject = 'hi', body = 'hello') => mail(['From: a@partner.org', 'To: b@example.com', `Subject: ${subject}`, '', body, '']);
const code = (r: Awaited<ReturnType<typeof send>>) => (r.ok ? 250 : r.responseCode);

describe('SMTP extensions through wmflow smtp', () => {
  it('PIPELINING: a whole pipelined transaction gets its replies in order and one relay', async () => {
    const sink = await startSink();
    const { filter, port } = await startFilter(NO_RULES, sink.port);
    try {
      const c = await RawClient.open(port);
      expect((await c.replies(1))[0]).toMatch(/^220 /);
      c.write('EHLO client.test\r\n');
      expect((await c.replies(1))[0]).toMatch(/PIPELINING/);
      c.write('MAIL FROM:<a@partner.org>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n');
      const envelope = await c.replies(4);
      expect(envelope.map((r) => r.slice(0, 3))).toEqual(['250', '250', '250', '354']);
      c.write('Subject: piped\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@partner.org>\r\nRCPT TO:<d@example.com>\r\nDATA\r\n');
      const after = await c.replies(4);
      expect(after.map((r) => r.slice(0, 3))).toEqual(['250', '250', '250', '354']);
      c.write('Subject: second\r\n\r\nx\r\n.\r\nQUIT\r\n');
      expect((await c.replies(2)).map((r) => r.slice(0, 3))).toEqual(['250', '221']);
      c.close();
      expect(sink.messages.map((m) => [m.recipients, m.bytes.toString()])).toEqual([
        [['b@example.com', 'c@example.com'], 'Subject: piped\r\n\r\nbody\r\n'],
        [['d@example.com'], 'Subject: second\r\n\r\nx\r\n'],
      ]);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('8BITMIME and SMTPUTF8: passed on unchanged when the next hop has them', async () => {
    const sink = await startSink();
    const { filter, port } = await startFilter(NO_RULES, sink.port);
    try {
      const bytes = Buffer.from(
        'From: Jörg <jörg@bücher.example>\r\nTo: müller@example.com\r\nSubject: Grüße\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln – 日本語\r\n',
      );
      const r = await send(port, 'jörg@bücher.example', ['müller@example.com'], bytes, { use8BitMime: true });
      expect(r.ok).toBe(true);
      const got = sink.messages[0]!;
      expect(got).toMatchObject({ mailFrom: 'jörg@bücher.example', recipients: ['müller@example.com'], bodyType: '8bitmime', smtpUtf8: true });
      expect(got.bytes.equals(bytes)).toBe(true);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('a next hop without 8BITMIME: 8-bit mail refused with 554 5.6.3, not converted; 7-bit mail still goes', async () => {
    const sink = await startSink({ server: { hide8BITMIME: true } });
    const { filter, port } = await startFilter(NO_RULES, sink.port);
    try {
      const r = await send(port, 'a@partner.org', ['b@example.com'], Buffer.from('Subject: x\r\n\r\nKöln\r\n'), { use8BitMime: true });
      expect(code(r)).toBe(554);
      if (!r.ok) expect(r.response).toMatch(/5\.6\.3 .*8BITMIME/);
      expect(sink.messages).toHaveLength(0);
      expect(code(await send(port, 'a@partner.org', ['b@example.com'], small(), { use8BitMime: true }))).toBe(250);
      expect(sink.messages).toHaveLength(1);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('a next hop without SMTPUTF8: an internationalised address is refused with 553 5.6.7', async () => {
    const sink = await startSink({ server: { hideSMTPUTF8: true } });
    const { filter, port } = await startFilter(NO_RULES, sink.port);
    try {
      const r = await send(port, 'jörg@bücher.example', ['b@example.com'], small());
      expect(code(r)).toBe(553);
      if (!r.ok) expect(r.response).toMatch(/SMTPUTF8/);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('STARTTLS with a given certificate: the session is encrypted and the message relayed', async () => {
    expect(readFileSync('/usr/bin/openssl').length).toBeGreaterThan(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'wmflow-tls-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync(
        '/usr/bin/openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'],
        { stdio: 'ignore' },
      );
      const sink = await startSink();
      const { filter, port } = await startFilter(NO_RULES, sink.port, { tls: { cert: readFileSync(cert), key: readFileSync(key) } });
      try {
        const connection = await connect(port, { ignoreTLS: false, requireTLS: true, tls: { ca: [readFileSync(cert)], servername: 'localhost' } });
        expect(connection.secure).toBe(true);
        const r = await send(port, 'a@partner.org', ['b@example.com'], small('tls'), { connection });
        connection.close();
        expect(r.ok).toBe(true);
        expect(sink.messages[0]!.bytes.equals(onTheWire(small('tls')))).toBe(true);
        // Without a certificate, STARTTLS is not offered.
        const plain = await startFilter(NO_RULES, sink.port);
        const c = await RawClient.open(plain.port);
        await c.replies(1);
        c.write('EHLO x\r\n');
        expect((await c.replies(1))[0]).not.toMatch(/STARTTLS/);
        c.close();
        await plain.filter.close();
      } finally {
        await filter.close();
        await sink.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the next hop answers first: nothing is acknowledged it did not accept', () => {
  it('next hop unreachable: 451, so the client keeps the message and retries', async () => {
    const sink = await startSink();
    const deadPort = sink.port;
    await sink.close();
    const { filter, port } = await startFilter(NO_RULES, deadPort);
    try {
      const r = await send(port, 'a@partner.org', ['b@example.com'], small());
      expect(code(r)).toBe(451);
      if (!r.ok) expect(r.response).toMatch(/next hop unavailable/);
    } finally {
      await filter.close();
    }
  });

  it('next hop refuses (5xx): 5xx with its text; temporary (4xx): 4xx', async () => {
    const refusing = await startSink({ dataError: { code: 554, message: '5.7.1 Rejected by the next hop policy' } });
    const deferring = await startSink({ dataError: { code: 452, message: '4.3.1 Insufficient system storage' } });
    const a = await startFilter(NO_RULES, refusing.port);
    const b = await startFilter(NO_RULES, deferring.port);
    try {
      const r1 = await send(a.port, 'a@partner.org', ['b@example.com'], small());
      expect(code(r1)).toBe(554);
      if (!r1.ok) expect(r1.response).toMatch(/5\.7\.1 .*Rejected by the next hop policy/);
      const r2 = await send(b.port, 'a@partner.org', ['b@example.com'], small());
      expect(code(r2)).toBe(452);
      if (!r2.ok) expect(r2.response).toMatch(/Insufficient system storage/);
      expect(refusing.messages).toHaveLength(0);
      // After a failed transaction the filter opens a fresh session to the next hop: the same answer again.
      expect(code(await send(a.port, 'a@partner.org', ['b@example.com'], small()))).toBe(554);
    } finally {
      await a.filter.close();
      await b.filter.close();
      await refusing.close();
      await deferring.close();
    }
  });

  it('next hop refuses one recipient of two: not 250 (5xx naming it), the other delivered', async () => {
    const sink = await startSink({ refuse: { 'gone@example.com': { code: 550, message: '5.1.1 No such user' } } });
    const { filter, port } = await startFilter(NO_RULES, sink.port);
    try {
      const r = await send(port, 'a@partner.org', ['b@example.com', 'gone@example.com'], small());
      expect(code(r)).toBe(550);
      if (!r.ok) expect(r.response).toMatch(/gone@example.com.*No such user/);
      expect(sink.messages.map((m) => m.recipients)).toEqual([['b@example.com']]);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('our own error: 451 by default, the original relayed unchanged with onError "pass"', async () => {
    const sink = await startSink();
    const broken = { ...NO_RULES, rules: null } as unknown as typeof NO_RULES; // makes the core step throw
    const tempfail = await startFilter(broken, sink.port);
    const pass = await startFilter(broken, sink.port, { onError: 'pass' });
    try {
      expect(code(await send(tempfail.port, 'a@partner.org', ['b@example.com'], small()))).toBe(451);
      expect(sink.messages).toHaveLength(0);
      expect(code(await send(pass.port, 'a@partner.org', ['b@example.com'], small('pass')))).toBe(250);
      expect(sink.messages.map((m) => m.bytes.equals(onTheWire(small('pass'))))).toEqual([true]);
      expect(tempfail.events.some((e) => e.type === 'error')).toBe(true);
    } finally {
      await tempfail.filter.close();
      await pass.filter.close();
      await sink.close();
    }
  });
});

describe('limits', () => {
  it('SIZE is advertised, and a larger message gets 552 and is not relayed', async () => {
    const sink = await startSink();
    const { filter, port } = await startFilter(NO_RULES, sink.port, { maxSize: 10_000 });
    try {
      const c = await RawClient.open(port);
      await c.replies(1);
      c.write('EHLO x\r\n');
      expect((await c.replies(1))[0]).toMatch(/SIZE 10000/);
      // Without a SIZE parameter the client only learns at the end of DATA.
      c.write('MAIL FROM:<a@partner.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n');
      await c.replies(3);
      c.write(`${`Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(12)}.\r\n`);
      expect((await c.replies(1))[0]).toMatch(/^552 /);
      c.close();
      expect(sink.messages).toHaveLength(0);
      // Declared too large: refused at MAIL FROM.
      const r = await send(port, 'a@partner.org', ['b@example.com'], Buffer.alloc(20_000, 'a'));
      expect(code(r)).toBe(552);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('100 concurrent sessions: every message delivered exactly once', async () => {
    const sink = await startSink({ server: { maxClients: 200 } });
    const { filter, port } = await startFilter(NO_RULES, sink.port, { maxClients: 150 });
    try {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => send(port, 'a@partner.org', [`user${i}@example.com`], small(`n${i}`, `message ${i}`))),
      );
      expect(results.filter((r) => !r.ok)).toEqual([]);
      const subjects = sink.messages.map((m) => /Subject: (n\d+)/.exec(m.bytes.toString())![1]).sort();
      expect(subjects).toEqual(Array.from({ length: 100 }, (_, i) => `n${i}`).sort());
      for (const m of sink.messages) expect(m.recipients).toEqual([`user${/n(\d+)/.exec(m.bytes.toString())![1]}@example.com`]);
    } finally {
      await filter.close();
      await sink.close();
    }
  });

  it('maxClients: a session over the cap gets 421 (the client retries later)', async () => {
    const sink = await startSink();
    const { filter, port } = await startFilter(NO_RULES, sink.port, { maxClients: 2 });
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const c = await RawClient.open(port);
        expect((await c.replies(1))[0]).toMatch(/^220 /);
        clients.push(c);
      }
      const third = await RawClient.open(port);
      clients.push(third);
      expect((await third.replies(1))[0]).toMatch(/^421 /);
    } finally {
      for (const c of clients) c.close();
      await filter.close();
      await sink.close();
    }
  });

  it('graceful close: the message in flight is relayed and answered 250, a new connection gets 421', async () => {
    const sink = await startSink({ delayMs: 700 });
    const { filter, port } = await startFilter(NO_RULES, sink.port);
    const pending = send(port, 'a@partner.org', ['b@example.com'], small('in flight'));
    for (let i = 0; i < 100 && filter.inFlightCount === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(filter.inFlightCount).toBe(1);
    const closed = filter.close();
    const late = await RawClient.open(port);
    expect((await late.replies(1))[0]).toMatch(/^421 /);
    late.close();
    expect(code(await pending)).toBe(250);
    await closed;
    expect(sink.messages.map((m) => m.bytes.toString())).toEqual([onTheWire(small('in flight')).toString()]);
    await sink.close();
  });
});

describe('bare line breaks', () => {
  let sink: Awaited<ReturnType<typeof startSink>>;
  let filter: Awaited<ReturnType<typeof startFilter>>;
  beforeAll(async () => {
    sink = await startSink();
    filter = await startFilter(NO_RULES, sink.port);
  });
  afterAll(async () => {
    await filter.filter.close();
    await sink.close();
  });

  it('a client sending bare LF inside DATA: relayed with CRLF (SMTP has no other line break; documented)', async () => {
    const c = await RawClient.open(filter.port);
    await c.replies(1);
    c.write('EHLO x\r\nMAIL FROM:<a@partner.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n');
    await c.replies(4);
    c.write('Subject: lf\r\n\r\none\ntwo\r\n.\r\n');
    expect((await c.replies(1))[0]).toMatch(/^250 /);
    c.close();
    expect(sink.messages.at(-1)!.bytes.toString()).toBe('Subject: lf\r\n\r\none\r\ntwo\r\n');
  });
});
