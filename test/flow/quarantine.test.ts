import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { processEvent } from '../../lib/flow/pipeline.js';
import { RecordingObserver } from '../../lib/flow/observer.js';
import { quarantineKey } from '../../lib/flow/object-key.js';
import { ServiceError, type ObjectStorePort } from '../../lib/flow/ports.js';
import { attachmentRule } from '../../lib/rules/index.js';
import { mail } from '../support/samples.js';

const PE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 0x90)]);
const raw = mail([
  'From: a@partner.org',
  'To: user@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@partner.org>',
  'Subject: Invoice',
  'Content-Type: multipart/mixed; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'See attached.',
  '--b',
  'Content-Type: application/pdf',
  'Content-Disposition: attachment; filename="invoice.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  PE.toString('base64'),
  '--b--',
  '',
]);
const event = {
  summaryVersion: '2018-10-10',
  envelope: { mailFrom: { address: 'a@partner.org' }, recipients: [{ address: 'user@example.com' }] },
  subject: 'Invoice',
  messageId: 'abc-123',
  invocationId: 'inv-1',
  flowDirection: 'INBOUND',
  truncated: false,
};
const config = {
  rules: [attachmentRule({ match: { trueTypes: ['exe'] }, action: 'quarantine' })],
  orgDomains: ['example.com'],
  bucket: 'bucket',
  keyPrefix: 'updated/',
};

function deps(storeFails: ServiceError[] = []) {
  const stored: { key: string; body: Buffer }[] = [];
  let puts = 0;
  const objectStore: ObjectStorePort = {
    async put(_b, key, body) {
      const e = storeFails.shift();
      if (e) throw e;
      stored.push({ key, body });
      return {};
    },
  };
  return {
    stored,
    puts: () => puts,
    deps: { messageFlow: { getRawMessage: async () => raw, putRawMessage: async () => void puts++ }, objectStore, observer: new RecordingObserver() },
  };
}

describe('pipeline: quarantined attachments', () => {
  it('writes each kept file under <prefix>quarantine/<messageId>/<sha256> before the updated message', async () => {
    const d = deps();
    const out = await processEvent(event, d.deps, config);
    expect(out.status).toBe('updated');
    const sha = createHash('sha256').update(PE).digest('hex');
    expect(d.stored.map((s) => s.key)).toEqual([quarantineKey('updated/', 'abc-123', sha), out.location!.key]);
    expect(d.stored[0]!.key).toMatch(new RegExp(`^updated/quarantine/abc-123/${sha}$`));
    expect(d.stored[0]!.key).toMatch(/^[a-zA-Z0-9\-/]+$/);
    expect(d.stored[0]!.body.equals(PE)).toBe(true);
    expect(out.quarantined).toEqual([d.stored[0]!.key]);
    const notice = (await simpleParser(d.stored[1]!.body)).attachments[0]!;
    expect(notice.content.toString()).toContain(sha);
    expect(d.puts()).toBe(1);
  });

  it('quarantine keys stay in the S3 alphabet whatever the prefix and id', () => {
    const k = quarantineKey('wm_flow.out', 'id.with_odd', 'a'.repeat(64));
    expect(k).toMatch(/^wm-flow-out\/quarantine\/id-with-odd-[0-9a-f]{16}\/a{64}$/);
    expect(quarantineKey('', 'x', 'f')).toBe('quarantine/x/f');
  });

  it('a failed quarantine write skips the update: the original (file and all) is delivered', async () => {
    const d = deps([new ServiceError('other', 'AccessDenied', 'denied')]);
    const out = await processEvent(event, d.deps, config);
    expect(out.status).toBe('update-skipped');
    expect(d.puts()).toBe(0);
    expect(d.stored).toEqual([]);
  });
});
