import type { Readable } from 'node:stream';

/** A received message, or how far it went over the limit. */
export interface Collected {
  /** The message bytes (dot-stuffing already undone by smtp-server); empty when `exceeded`. */
  bytes: Buffer;
  /** True when more than `limit` bytes came: nothing past the limit was kept. */
  exceeded: boolean;
  /** Bytes received in all. */
  received: number;
}

/**
 * Reads a DATA stream to its end, keeping at most `limit` bytes: past it the rest is read and
 * thrown away (the client must reach the final dot before it can be answered), so one session
 * never holds more than `limit` bytes of message, whatever the client sends.
 */
export function collectMessage(stream: Readable, limit: number): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    let exceeded = false;
    stream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (exceeded) return;
      if (kept + chunk.length > limit) {
        exceeded = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
    });
    stream.once('end', () => resolve({ bytes: exceeded ? Buffer.alloc(0) : Buffer.concat(chunks, kept), exceeded, received }));
    stream.once('error', reject);
  });
}
