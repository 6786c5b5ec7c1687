import { createHash } from 'node:crypto';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { RecordingObserver } from '../../lib/flow/observer.js';
import { processEvent } from '../../lib/flow/pipeline.js';
import type { MessageFlowPort, ObjectStorePort } from '../../lib/flow/ports.js';
import { paymentCard } from '../../lib/redaction/index.js';
import { loadRulesFile } from '../../lib/rules/index.js';
import { WORKMAIL_PLATFORM } from '../../lib/workmail/platform.js';
import { responseProblems } from '../../lib/workmail/response.js';
import { allMessages, SAMPLES_DIR } from '../support/samples.js';

const config = loadRulesFile(path.join(SAMPLES_DIR, 'rules.json'), { platform: WORKMAIL_PLATFORM });
const corpus = allMessages().filter(([, b]) => b.length < 100 * 1024);

/** What an independent parser (mailparser) makes of a message. */
async function view(bytes: Buffer) {
  const parsed = await simpleParser(bytes, { skipHtmlToText: false });
  // Parts with an unparseable Content-Type (`/plain`) are text to RFC 2045 and to wmflow, files
  // to mailparser: the one place the two parsers disagree by design, so they are left out.
  const attachments = parsed.attachments
    .filter((a) => /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType))
    .map((a) => createHash('sha256').update(a.content).digest('hex'))
    .sort();
  const readable = `${parsed.subject ?? ''}\n${parsed.text ?? ''}`.replace(/\s+/g, ' ');
  const top = bytes.subarray(0, Math.max(0, bytes.indexOf('\r\n\r\n') >= 0 ? bytes.indexOf('\r\n\r\n') : bytes.indexOf('\n\n'))).toString('latin1');
  return { attachments, cards: paymentCard.find(readable).length, protectedMail: /multipart\/(signed|encrypted)|application\/(pkcs7|x-pkcs7)-mime/i.test(top) };
}

/** Lines over 1000 octets with their CRLF, and bare CR octets: counted independently of lib/. */
function wireProblems(bytes: Buffer): { longLines: number; bareCr: number } {
  const text = bytes.toString('latin1');
  return {
    longLines: text.split('\n').filter((l) => l.replace(/\r$/, '').length + 2 > 1000).length,
    bareCr: (text.match(/\r(?!\n)/g) ?? []).length,
  };
}

describe('nothing is lost and no blocking rule is bypassed, whatever the input (property)', () => {
  it('valid answers; delivered content keeps every attachment and the wire rules; a visible card number outbound always bounces', async () => {
    let updated = 0;
    let bounced = 0;
    let dlpChecked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 48 }),
        fc.nat({ max: 48 }),
        fc.constantFrom('INBOUND', 'OUTBOUND'),
        async (which, at, insert, cut, direction) => {
          const original = corpus[which]![1];
          const pos = at % (original.length + 1);
          const input = Buffer.concat([original.subarray(0, pos), Buffer.from(insert), original.subarray(Math.min(original.length, pos + cut))]);
          let stored: Buffer | undefined;
          const messageFlow: MessageFlowPort = { getRawMessage: async () => input, putRawMessage: async () => undefined };
          const objectStore: ObjectStorePort = {
            put: async (_b, _k, body) => {
              stored = body;
              return {};
            },
          };
          const outcome = await processEvent(
            {
              summaryVersion: '2018-10-10',
              envelope: {
                mailFrom: { address: direction === 'INBOUND' ? 'x@partner.example.org' : 'user@example.com' },
                recipients: [{ address: direction === 'INBOUND' ? 'user@example.com' : 'x@partner.example.org' }],
              },
              messageId: 'fuzz-1',
              invocationId: 'inv-1',
              flowDirection: direction,
            },
            { messageFlow, objectStore, observer: new RecordingObserver() },
            { rules: config.rules, orgDomains: config.orgDomains, bucket: 'b', keyPrefix: 'updated/' },
          );
          expect(responseProblems(outcome.response, direction)).toEqual([]);
          const before = await view(input);
          const bounces = outcome.response.actions.some((a) => a.action.type === 'BOUNCE');
          // DLP: a card number a reader sees, leaving the organisation, is never let through
          // (signed and encrypted mail is the documented onProtected choice, skip by default).
          if (direction === 'OUTBOUND' && before.cards > 0 && !before.protectedMail) {
            dlpChecked++;
            expect(bounces).toBe(true);
          }
          if (bounces) bounced++;
          if (outcome.status !== 'updated') {
            expect(stored).toBeUndefined();
            return;
          }
          updated++;
          const after = await view(stored!);
          // Every attachment's decoded bytes survive (the sample rules remove none).
          for (const hash of before.attachments) expect(after.attachments).toContain(hash);
          const was = wireProblems(input);
          const now = wireProblems(stored!);
          expect(now.longLines).toBe(0);
          if (was.bareCr === 0) expect(now.bareCr).toBe(0);
          // What leaves unbounced shows no card number (a bounced message never leaves).
          if (direction === 'OUTBOUND' && !bounces) expect(after.cards).toBe(0);
        },
      ),
      { numRuns: 400, seed: Number(process.env.WMFLOW_FUZZ_SEED ?? 20261202) },
    );
    // Not vacuous: many runs delivered updated content, and the DLP oracle had cases to judge.
    expect(updated).toBeGreaterThan(100);
    expect(dlpChecked).toBeGreaterThan(0);
    expect(bounced).toBeGreaterThanOrEqual(dlpChecked);
  });
});
