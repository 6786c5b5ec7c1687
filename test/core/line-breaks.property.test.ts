import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lazyBareLineBreaks, lineProblems } from '../../lib/core/index.js';
import { parseMessage } from '../../lib/mime/index.js';
import { allMessages } from '../support/samples.js';

const messages = allMessages().filter(([, b]) => b.length < 64 * 1024);
/** Counted independently of lib/: a CR not followed by LF, an LF not preceded by CR. */
const bare = (b: Buffer) => ({ cr: /\r(?!\n)/.test(b.toString('latin1')), lf: /(^|[^\r])\n/.test(b.toString('latin1')) });

describe('the pre-flight reads only what edits wrote, and misses nothing (property)', () => {
  it('reports a new bare CR or LF exactly when the whole output has one the original lacked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: messages.length - 1 }),
        fc.nat(),
        fc.array(fc.constantFrom('a', ' ', '\r', '\n', '\r\n', 'é'), { maxLength: 12 }),
        async (which, at, pieces) => {
          const input = messages[which]![1];
          const message = await parseMessage(input);
          const leaves = message.parts().filter((p) => !p.multipart);
          const part = leaves[at % leaves.length]!;
          part.replaceRawBody(Buffer.from(pieces.join(''), 'latin1'));
          const out = message.toBuffer();
          const codes = lineProblems(message, out, lazyBareLineBreaks(input)).map((p) => p.message);
          const was = bare(input);
          const now = bare(out);
          expect(codes.some((m) => /bare CR/.test(m))).toBe(now.cr && !was.cr);
          expect(codes.some((m) => /bare LF/.test(m))).toBe(now.lf && !was.lf);
        },
      ),
      { numRuns: 400, seed: 20261202 },
    );
  });
});
