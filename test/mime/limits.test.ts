import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MimeError, parseMessage } from '../../lib/mime/index.js';
import { allMessages } from '../support/samples.js';

function nested(depth: number): Buffer {
  let head = 'Subject: deep\r\n';
  let tail = '';
  for (let i = 0; i < depth; i++) {
    head += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    tail = `\r\n--b${i}--\r\n${tail}`;
  }
  return Buffer.from(`${head}Content-Type: text/plain\r\n\r\nleaf${tail}`);
}

async function rejection(input: Buffer, limits?: Parameters<typeof parseMessage>[1]): Promise<MimeError> {
  try {
    await parseMessage(input, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(MimeError);
    return err as MimeError;
  }
  throw new Error('expected a MimeError');
}

describe('limits', () => {
  it('accepts nesting up to maxDepth and names where it stops past it', async () => {
    await expect(parseMessage(nested(10), { limits: { maxDepth: 10 } })).resolves.toBeDefined();
    const err = await rejection(nested(11), { limits: { maxDepth: 10 } });
    expect(err.code).toBe('MIME_TOO_DEEP');
    expect(err.message).toBe('part 1.1.1.1.1.1.1.1.1.1: multipart nesting deeper than 10 levels (maxDepth)');
  });

  it('stops at the default depth on a deeply nested hostile message', async () => {
    const err = await rejection(nested(500));
    expect(err.code).toBe('MIME_TOO_DEEP');
  });

  it('bounds the number of parts', async () => {
    const parts = Array.from({ length: 30 }, () => '--b\r\n\r\nx\r\n').join('');
    const err = await rejection(Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`), { limits: { maxParts: 20 } });
    expect(err.code).toBe('MIME_TOO_MANY_PARTS');
    expect(err.message).toMatch(/more than 20 MIME parts \(maxParts\)/);
  });

  it('bounds the header block size', async () => {
    const huge = `Subject: big\r\n${`${'X-Filler: '.padEnd(900, 'y')}\r\n`}`.repeat(1);
    const err = await rejection(Buffer.from(`${huge.repeat(200)}\r\nbody`), { limits: { maxHeaderBytes: 64 * 1024 } });
    expect(err.code).toBe('MIME_HEADER_TOO_LARGE');
    expect(err.message).toMatch(/over 65536 bytes \(maxHeaderBytes\)/);
  });

  it('bounds the message size before reading it', async () => {
    const err = await rejection(Buffer.alloc(2048, 0x61), { limits: { maxMessageBytes: 1024 } });
    expect(err.code).toBe('MIME_TOO_LARGE');
  });

  it('refuses non-buffer input with a typed error', async () => {
    const err = await rejection('text' as unknown as Buffer);
    expect(err.code).toBe('MIME_UNPARSEABLE');
  });
});

describe('hostile input', () => {
  const corpus = allMessages().filter(([, b]) => b.length < 64 * 1024);

  it('round-trips or raises a MimeError for random bytes, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const input = Buffer.from(bytes);
        try {
          const m = await parseMessage(input, { limits: { maxParts: 50, maxDepth: 10 } });
          expect(m.toBuffer().equals(input)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(MimeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips real messages with random bytes spliced in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat({ max: 64 }),
        async (which, at, insert, cut) => {
          const original = corpus[which]![1];
          const pos = at % (original.length + 1);
          const input = Buffer.concat([original.subarray(0, pos), Buffer.from(insert), original.subarray(Math.min(original.length, pos + cut))]);
          try {
            const m = await parseMessage(input);
            expect(m.toBuffer().equals(input)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(MimeError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses a long line of boundary-like dashes and a header of colons quickly', async () => {
    const started = performance.now();
    const input = Buffer.from(`Content-Type: multipart/mixed; boundary=${'-'.repeat(60)}\r\n${':'.repeat(200_000)}\r\n\r\n${'-'.repeat(2_000_000)}\r\n`);
    const m = await parseMessage(input);
    expect(m.toBuffer().equals(input)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
