import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordingObserver } from '../../lib/flow/observer.js';
import { processEvent } from '../../lib/flow/pipeline.js';
import type { MessageFlowPort, ObjectStorePort } from '../../lib/flow/ports.js';
import { loadRulesFile } from '../../lib/rules/index.js';
import { checkUpdatedContent } from '../../lib/workmail/content-checks.js';
import { responseProblems } from '../../lib/workmail/response.js';
import { allMessages, SAMPLES_DIR } from '../support/samples.js';

const config = loadRulesFile(path.join(SAMPLES_DIR, 'rules.json'));
const corpus = allMessages().filter(([, b]) => b.length < 100 * 1024);

describe('nothing is lost, whatever the input (property)', () => {
  it('always answers a valid response; anything handed to WorkMail passes its checks', async () => {
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
          const objectStore: ObjectStorePort = { put: async (_b, _k, body) => ((stored = body), {}) };
          const outcome = await processEvent(
            {
              summaryVersion: '2018-10-10',
              envelope: { mailFrom: { address: direction === 'INBOUND' ? 'x@partner.example.org' : 'user@example.com' }, recipients: [{ address: direction === 'INBOUND' ? 'user@example.com' : 'x@partner.example.org' }] },
              messageId: 'fuzz-1',
              invocationId: 'inv-1',
              flowDirection: direction,
            },
            { messageFlow, objectStore, observer: new RecordingObserver() },
            { rules: config.rules, orgDomains: config.orgDomains, bucket: 'b', keyPrefix: 'updated/' },
          );
          expect(responseProblems(outcome.response, direction)).toEqual([]);
          if (outcome.status === 'updated') {
            expect(stored).toBeDefined();
            const problems = (await checkUpdatedContent(input, stored!)).filter((p) => p.severity === 'error');
            expect(problems).toEqual([]);
          } else {
            expect(stored).toBeUndefined();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
