import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emlFiles, SAMPLES_DIR } from '../support/samples.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, onTheWire, rules, send, startFilter, startSink, type Sink } from './support.js';
import type { SmtpFilter } from '../../lib/smtp/index.js';

const NO_RULES = rules({ orgDomains: ['example.com'], rules: [] });
const samples = emlFiles(SAMPLES_DIR);

describe('wmflow smtp with no rules: the next hop gets exactly what was sent', () => {
  let sink: Sink;
  let filter: SmtpFilter;
  let port: number;
  beforeAll(async () => {
    sink = await startSink();
    ({ filter, port } = await startFilter(NO_RULES, sink.port));
  });
  afterAll(async () => {
    await filter.close();
    await sink.close();
  });

  it('has samples to send', () => expect(samples.length).toBeGreaterThan(30));

  it.each(samples.map((f) => [path.basename(f), f]))('%s: byte-identical, envelope as given', async (_name, file) => {
    const bytes = readFileSync(file);
    const before = sink.messages.length;
    // Envelope addresses unlike the header ones, with case kept: the relay must use these.
    const result = await send(port, 'Bounce-Handler@Partner.example.org', ['First@Example.com', 'second@example.com'], bytes, { use8BitMime: true });
    expect(result.ok).toBe(true);
    expect(sink.messages.length).toBe(before + 1);
    const got = sink.messages[before]!;
    expect(got.mailFrom).toBe('Bounce-Handler@Partner.example.org');
    expect(got.recipients).toEqual(['First@Example.com', 'second@example.com']);
    expect(got.bytes.equals(onTheWire(bytes))).toBe(true);
  });

  it('dot-stuffing is undone on receipt and redone on relay: lines starting with dots arrive intact', async () => {
    const lines = ['From: a@partner.example.org', 'To: b@example.com', 'Subject: dots', '', '.', '..', '...leading', '. space', 'mid.dle', '.', 'end', ''];
    const bytes = Buffer.from(lines.join('\r\n'));
    const before = sink.messages.length;
    const result = await send(port, 'a@partner.example.org', ['b@example.com'], bytes);
    expect(result.ok).toBe(true);
    expect(sink.messages[before]!.bytes.toString()).toBe(bytes.toString());
  });

  it('a message without rules and the null sender (a bounce) keeps MAIL FROM:<>', async () => {
    const bytes = readFileSync(path.join(SAMPLES_DIR, 'delivery-status-notification.eml'));
    const before = sink.messages.length;
    const result = await send(port, '', ['postmaster@example.com'], bytes);
    expect(result.ok).toBe(true);
    expect(sink.messages[before]!.mailFrom).toBe('');
  });

  it('one session carries several messages, each relayed once and in order', async () => {
    const connection = await connect(port);
    const before = sink.messages.length;
    const sessionsBefore = sink.sessions();
    for (let i = 0; i < 5; i++) {
      const r = await send(port, 'a@partner.example.org', ['b@example.com'], Buffer.from(`Subject: n${i}\r\n\r\nbody ${i}\r\n`), { connection });
      expect(r.ok).toBe(true);
    }
    connection.close();
    // One client session, one session to the next hop for all five.
    expect(sink.sessions() - sessionsBefore).toBe(1);
    expect(sink.messages.slice(before).map((m) => m.bytes.toString())).toEqual([0, 1, 2, 3, 4].map((i) => `Subject: n${i}\r\n\r\nbody ${i}\r\n`));
  });
});
