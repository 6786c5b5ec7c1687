import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A request body over the size a handler accepts. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** Reads a request body into one buffer, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The slice size {@link streamBytes} writes. */
const SLICE = 64 * 1024;

/**
 * Streams `bytes` as the body of `res` (headers already written) in 64 KB slices with
 * backpressure, and ends it. One pipeline per response: listeners are added once, not per slice
 * (a listener per slice made a multi-MB message trip MaxListenersExceededWarning).
 *
 * @returns false when the client went away before the end (nothing more can be sent).
 */
export async function streamBytes(res: ServerResponse, bytes: Buffer): Promise<boolean> {
  function* slices(): Generator<Buffer> {
    for (let pos = 0; pos < bytes.length; pos += SLICE) yield bytes.subarray(pos, pos + SLICE);
  }
  try {
    await pipeline(Readable.from(slices(), { objectMode: false }), res);
    return true;
  } catch (err) {
    // A client that disconnects mid-message is not a server error; anything else is.
    if (res.destroyed && !res.writableFinished) return false;
    throw err;
  }
}

/** A started loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 only (port 0: a free one). A handler that throws answers
 * 500 with `fallback`'s body so a bug shows up in the client instead of hanging it.
 */
export async function listenLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port = 0,
  fallback: (res: ServerResponse, err: unknown) => void = (res, err) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(err instanceof Error ? err.message : String(err));
  },
): Promise<LoopbackServer> {
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy();
      else fallback(res, err);
    });
  });
  // Idle keep-alive sockets would otherwise hold the process (and vitest) open after a test.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
