import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback, readBody, type LoopbackServer } from './http.js';

interface StoredObject {
  body: Buffer;
  versionId: string | undefined;
  contentType: string | undefined;
}

interface Bucket {
  region: string;
  versioned: boolean;
  /** Latest first, per key. */
  objects: Map<string, StoredObject[]>;
}

/**
 * A small in-memory S3 for the emulator: path-style bucket and object PUT/GET/HEAD/DELETE,
 * bucket versioning, and the `aws-chunked` uploads current SDKs send. Just what WorkMail's
 * flow needs, so the real `@aws-sdk/client-s3` can be driven over HTTP with no account.
 */
export class InMemoryS3 {
  readonly buckets = new Map<string, Bucket>();

  constructor(readonly defaultRegion: string) {}

  createBucket(name: string, options: { region?: string; versioned?: boolean } = {}): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { region: options.region ?? this.defaultRegion, versioned: options.versioned ?? false, objects: new Map() });
  }

  putObject(bucket: string, key: string, body: Buffer, contentType?: string): { versionId: string | undefined } {
    const b = this.buckets.get(bucket);
    if (!b) throw new Error(`no bucket ${bucket}`);
    const versionId = b.versioned ? randomUUID().replace(/-/g, '') : undefined;
    const versions = b.versioned ? (b.objects.get(key) ?? []) : [];
    b.objects.set(key, [{ body, versionId, contentType }, ...versions]);
    return { versionId };
  }

  /** The object (a given version, or the latest), or a reason it cannot be read. */
  getObject(bucket: string, key: string, versionId?: string): { object: StoredObject; region: string } | { error: 'NoSuchBucket' | 'NoSuchKey' | 'NoSuchVersion' } {
    const b = this.buckets.get(bucket);
    if (!b) return { error: 'NoSuchBucket' };
    const versions = b.objects.get(key);
    if (!versions?.length) return { error: 'NoSuchKey' };
    const object = versionId ? versions.find((v) => v.versionId === versionId) : versions[0];
    return object ? { object, region: b.region } : { error: 'NoSuchVersion' };
  }

  /** Starts the S3 HTTP API on a loopback port. */
  async listen(port = 0): Promise<LoopbackServer> {
    return listenLoopback((req, res) => this.handle(req, res), port);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucketName = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const bucket = this.buckets.get(bucketName);
    const reply = (status: number, body = '', headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'x-amz-request-id': randomUUID(), ...headers });
      res.end(body);
    };
    const error = (status: number, code: string, message: string) =>
      reply(status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><Resource>${url.pathname}</Resource></Error>`, {
        'content-type': 'application/xml',
      });

    if (!bucketName) return error(400, 'InvalidRequest', 'path-style requests only');
    if (!key) {
      if (req.method === 'PUT' && url.searchParams.has('versioning')) {
        if (!bucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');
        bucket.versioned = /<Status>Enabled<\/Status>/.test((await readBody(req)).toString());
        return reply(200);
      }
      if (req.method === 'PUT') {
        await readBody(req);
        this.createBucket(bucketName);
        return reply(200, '', { location: `/${bucketName}` });
      }
      if (req.method === 'HEAD') return bucket ? reply(200, '', { 'x-amz-bucket-region': bucket.region }) : reply(404);
      return error(405, 'MethodNotAllowed', 'not supported by the emulator');
    }
    if (!bucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');

    if (req.method === 'PUT') {
      let body = await readBody(req);
      if (/aws-chunked/.test(String(req.headers['content-encoding'] ?? '')) || /^STREAMING-/.test(String(req.headers['x-amz-content-sha256'] ?? ''))) {
        body = decodeAwsChunked(body);
      }
      const { versionId } = this.putObject(bucketName, key, body, req.headers['content-type']);
      return reply(200, '', { etag: `"${body.length.toString(16)}"`, ...(versionId ? { 'x-amz-version-id': versionId } : {}) });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const found = this.getObject(bucketName, key, url.searchParams.get('versionId') ?? undefined);
      if ('error' in found) return req.method === 'HEAD' ? reply(404) : error(404, found.error, 'The specified key does not exist.');
      const headers: Record<string, string> = {
        'content-length': String(found.object.body.length),
        'content-type': found.object.contentType ?? 'binary/octet-stream',
        ...(found.object.versionId ? { 'x-amz-version-id': found.object.versionId } : {}),
      };
      res.writeHead(200, headers);
      res.end(req.method === 'GET' ? found.object.body : undefined);
      return;
    }
    if (req.method === 'DELETE') {
      bucket.objects.delete(key);
      return reply(204);
    }
    return error(405, 'MethodNotAllowed', 'not supported by the emulator');
  }
}

/** Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(pos, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
