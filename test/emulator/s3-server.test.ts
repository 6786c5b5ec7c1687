import { createHash } from 'node:crypto';
import { Agent, request, type AgentOptions } from 'node:http';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopbackServer } from '../../lib/emulator/http.js';
import { startEmulator } from '../../lib/emulator/emulator.js';
import { DEFAULT_S3_MAX_TOTAL_BYTES, InMemoryS3, virtualHostedBucket } from '../../lib/emulator/s3-server.js';
import { decodeAwsChunked, PayloadError } from '../../lib/emulator/s3-payload.js';
import { failure } from './support.js';

let s3: InMemoryS3;
let server: LoopbackServer;
let client: S3Client;
const clients: S3Client[] = [];

const newClient = (extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}) => {
  const c = new S3Client({
    region: 'us-east-1',
    endpoint: server.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...extra,
  });
  clients.push(c);
  return c;
};

/** Every byte value, CRLF and bare LF, 8-bit text: what a message can hold. */
const binary = Buffer.concat([
  Buffer.from('From: a@example.org\r\n\r\n'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('Grüße\n\xff', 'latin1'),
]);
const read = async (out: { Body?: { transformToByteArray(): Promise<Uint8Array> } }) => Buffer.from(await out.Body!.transformToByteArray());

beforeAll(async () => {
  s3 = new InMemoryS3('us-east-1');
  server = await s3.listen();
  client = newClient();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

describe('in-memory S3 with the real @aws-sdk/client-s3 (default flexible checksums)', () => {
  it('creates buckets, in the Region of their LocationConstraint', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await client.send(new CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect((await client.send(new HeadBucketCommand({ Bucket: 'plain' }))).BucketRegion).toBe('us-east-1');
    expect((await client.send(new HeadBucketCommand({ Bucket: 'in-ireland' }))).BucketRegion).toBe('eu-west-1');
    expect(s3.buckets.get('in-ireland')!.region).toBe('eu-west-1');
    const missing = await failure(client.send(new HeadBucketCommand({ Bucket: 'nope' })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
    const bad = await failure(client.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
    expect(bad.name).toBe('InvalidBucketName');
  });

  it('stores Buffer and streamed (aws-chunked, CRC32 trailer) uploads byte for byte', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: 'plain', Key: 'updated/buffer', Body: binary, ContentType: 'message/rfc822' }));
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(put.ChecksumCRC32).toBeDefined();
    await client.send(
      new PutObjectCommand({
        Bucket: 'plain',
        Key: 'updated/stream',
        Body: Readable.from([binary.subarray(0, 100), binary.subarray(100)]),
        ContentLength: binary.length,
      }),
    );
    // Stored decoded, never with the framing.
    expect(s3.getObject('plain', 'updated/stream')).toMatchObject({ object: { body: binary } });
    for (const key of ['updated/buffer', 'updated/stream']) {
      // checksum mode on: the SDK validates the CRC32 we return against the bytes.
      const out = await client.send(new GetObjectCommand({ Bucket: 'plain', Key: key, ChecksumMode: 'ENABLED' }));
      expect((await read(out)).equals(binary)).toBe(true);
      expect(out.ChecksumCRC32).toBe(put.ChecksumCRC32);
    }
    const head = await client.send(new HeadObjectCommand({ Bucket: 'plain', Key: 'updated/buffer' }));
    expect([head.ContentLength, head.ContentType, head.ETag]).toEqual([binary.length, 'message/rfc822', put.ETag]);
  });

  it('works with checksums only when required, and with a large body', async () => {
    const plain = newClient({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    const big = Buffer.alloc(3 * 1024 * 1024, 0xa7);
    await plain.send(new PutObjectCommand({ Bucket: 'plain', Key: 'big', Body: Readable.from([big]), ContentLength: big.length }));
    expect((await read(await plain.send(new GetObjectCommand({ Bucket: 'plain', Key: 'big' })))).equals(big)).toBe(true);
    const part = await plain.send(new GetObjectCommand({ Bucket: 'plain', Key: 'updated/buffer', Range: 'bytes=0-3' }));
    expect([(await read(part)).toString(), part.ContentRange]).toEqual(['From', `bytes 0-3/${binary.length}`]);
  });

  it('versions objects: PutBucketVersioning, VersionId on PutObject, GetObject by version, delete markers', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'versioned' }));
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBeUndefined();
    await client.send(new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await client.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBe('Enabled');
    const v1 = await client.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'one' }));
    const v2 = await client.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: Readable.from([Buffer.from('two')]), ContentLength: 3 }));
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect((await read(await client.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k' })))).toString()).toBe('two');
    const old = await client.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k', VersionId: v1.VersionId }));
    expect([(await read(old)).toString(), old.VersionId]).toEqual(['one', v1.VersionId]);
    const noVersion = await failure(client.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k', VersionId: 'x'.repeat(32) })));
    expect([noVersion.name, noVersion.$metadata.httpStatusCode]).toEqual(['NoSuchVersion', 404]);

    const del = await client.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'k' }));
    expect(del.DeleteMarker).toBe(true);
    expect((await failure(client.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k' })))).name).toBe('NoSuchKey');
    // Old versions survive a delete marker.
    expect((await read(await client.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k', VersionId: v2.VersionId })))).toString()).toBe('two');
  });

  it('answers S3 XML errors the SDK turns into its typed exceptions', async () => {
    const noKey = await failure(client.send(new GetObjectCommand({ Bucket: 'plain', Key: 'missing' })));
    expect([noKey.name, noKey.$metadata.httpStatusCode, noKey.message]).toEqual(['NoSuchKey', 404, 'The specified key does not exist.']);
    const noBucket = await failure(client.send(new GetObjectCommand({ Bucket: 'missing-bucket', Key: 'k' })));
    expect([noBucket.name, noBucket.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
    const headMissing = await failure(client.send(new HeadObjectCommand({ Bucket: 'plain', Key: 'missing' })));
    expect([headMissing.name, headMissing.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
    // Like real S3, a request signed for another Region than the bucket's is refused.
    const wrongRegion = await failure(client.send(new PutObjectCommand({ Bucket: 'in-ireland', Key: 'k', Body: 'x' })));
    expect([wrongRegion.name, wrongRegion.message]).toEqual([
      'AuthorizationHeaderMalformed',
      "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
    ]);
    await newClient({ region: 'eu-west-1' }).send(new PutObjectCommand({ Bucket: 'in-ireland', Key: 'k', Body: 'x' }));
  });

  it('rejects corrupted uploads (BadDigest) and unsigned requests', async () => {
    const corrupt = newClient();
    corrupt.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body: Buffer | string };
        request.body = Buffer.concat([Buffer.from(request.body), Buffer.from('!')]).subarray(1);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const bad = await failure(corrupt.send(new PutObjectCommand({ Bucket: 'plain', Key: 'corrupt', Body: Buffer.from('hello') })));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['BadDigest', 400]);
    expect(s3.getObject('plain', 'corrupt')).toEqual({ error: 'NoSuchKey' });
    expect((await fetch(`${server.url}/plain/updated/buffer`)).status).toBe(403);
  });

  it('lists objects (ListObjectsV2) with prefix, delimiter and pages', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const key of ['a/1', 'a/2', 'a/b/3', 'c', 'd']) await client.send(new PutObjectCommand({ Bucket: 'listing', Key: key, Body: key }));
    const all = await client.send(new ListObjectsV2Command({ Bucket: 'listing' }));
    expect(all.Contents!.map((o) => [o.Key, o.Size])).toEqual([
      ['a/1', 3],
      ['a/2', 3],
      ['a/b/3', 5],
      ['c', 1],
      ['d', 1],
    ]);
    const dirs = await client.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect([dirs.CommonPrefixes!.map((p) => p.Prefix), dirs.Contents!.map((o) => o.Key)]).toEqual([['a/'], ['c', 'd']]);
    const under = await client.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/', Delimiter: '/' }));
    expect([under.Contents!.map((o) => o.Key), under.CommonPrefixes!.map((p) => p.Prefix)]).toEqual([['a/1', 'a/2'], ['a/b/']]);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, ContinuationToken: token }));
      keys.push(...page.Contents!.map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys).toEqual(['a/1', 'a/2', 'a/b/3', 'c', 'd']);
  });
});

describe('ListObjectVersions with the real @aws-sdk/client-s3', () => {
  type Entry = { Key?: string; VersionId?: string; IsLatest?: boolean };
  const brief = (list: Entry[] | undefined) => (list ?? []).map((v) => [v.Key, v.VersionId, v.IsLatest]);
  let ids: Record<string, string[]>;
  let marker: string;

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'history' }));
    await client.send(new PutBucketVersioningCommand({ Bucket: 'history', VersioningConfiguration: { Status: 'Enabled' } }));
    ids = {};
    for (const [key, body] of [
      ['a', 'a1'],
      ['a', 'a2'],
      ['a', 'a3'],
      ['b', 'b1'],
      ['c/1', 'c1'],
      ['c/2', 'c2'],
      ['c/2', 'c2 again'],
    ] as const) {
      const out = await client.send(new PutObjectCommand({ Bucket: 'history', Key: key, Body: body }));
      // Newest first, the order S3 lists a key's versions in.
      ids[key] = [out.VersionId!, ...(ids[key] ?? [])];
    }
    marker = (await client.send(new DeleteObjectCommand({ Bucket: 'history', Key: 'a' }))).VersionId!;
  });

  it('lists every version and delete marker, keys ascending and versions newest first', async () => {
    const out = await client.send(new ListObjectVersionsCommand({ Bucket: 'history' }));
    expect(brief(out.Versions)).toEqual([
      ['a', ids.a![0], false],
      ['a', ids.a![1], false],
      ['a', ids.a![2], false],
      ['b', ids.b![0], true],
      ['c/1', ids['c/1']![0], true],
      ['c/2', ids['c/2']![0], true],
      ['c/2', ids['c/2']![1], false],
    ]);
    expect(brief(out.DeleteMarkers)).toEqual([['a', marker, true]]);
    expect(out.IsTruncated).toBe(false);
    expect([out.NextKeyMarker, out.NextVersionIdMarker]).toEqual([undefined, undefined]);
    const newest = out.Versions!.find((v) => v.VersionId === ids['c/2']![0])!;
    expect([newest.Size, newest.ETag, newest.StorageClass, newest.LastModified instanceof Date]).toEqual([
      8,
      `"${createHash('md5').update('c2 again').digest('hex')}"`,
      'STANDARD',
      true,
    ]);
  });

  it('filters by prefix and rolls keys up by delimiter', async () => {
    const under = await client.send(new ListObjectVersionsCommand({ Bucket: 'history', Prefix: 'c/' }));
    expect([brief(under.Versions).map((v) => v[0]), under.DeleteMarkers, under.Prefix]).toEqual([['c/1', 'c/2', 'c/2'], undefined, 'c/']);
    const top = await client.send(new ListObjectVersionsCommand({ Bucket: 'history', Delimiter: '/' }));
    expect([brief(top.Versions).map((v) => v[0]), top.CommonPrefixes!.map((p) => p.Prefix)]).toEqual([['a', 'a', 'a', 'b'], ['c/']]);
  });

  it('pages with max-keys, key-marker and version-id-marker, a page ending inside a key', async () => {
    const first = await client.send(new ListObjectVersionsCommand({ Bucket: 'history', MaxKeys: 2 }));
    // The delete marker is a's newest entry, then a's newest version: the page stops inside "a".
    expect([brief(first.DeleteMarkers), brief(first.Versions), first.IsTruncated, first.MaxKeys]).toEqual([
      [['a', marker, true]],
      [['a', ids.a![0], false]],
      true,
      2,
    ]);
    expect([first.NextKeyMarker, first.NextVersionIdMarker]).toEqual(['a', ids.a![0]]);

    const versions: (string | undefined)[] = [];
    const markers: (string | undefined)[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: 'history', MaxKeys: 3, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      // A listing that never ends fails here rather than at the test timeout.
      if (++pages > 10) throw new Error('the listing does not end');
      versions.push(...(page.Versions ?? []).map((v) => v.VersionId));
      markers.push(...(page.DeleteMarkers ?? []).map((v) => v.VersionId));
      if (!page.IsTruncated) break;
      [keyMarker, versionIdMarker] = [page.NextKeyMarker, page.NextVersionIdMarker];
    }
    expect(pages).toBe(3);
    expect(versions).toEqual([...ids.a!, ...ids.b!, ...ids['c/1']!, ...ids['c/2']!]);
    expect(markers).toEqual([marker]);

    // A key marker alone starts after that key.
    const afterA = await client.send(new ListObjectVersionsCommand({ Bucket: 'history', KeyMarker: 'a' }));
    expect([brief(afterA.Versions).map((v) => v[0]), afterA.DeleteMarkers, afterA.KeyMarker]).toEqual([['b', 'c/1', 'c/2', 'c/2'], undefined, 'a']);
  });

  it('pages through common prefixes without listing a rolled-up prefix twice', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'rolled' }));
    await client.send(new PutBucketVersioningCommand({ Bucket: 'rolled', VersioningConfiguration: { Status: 'Enabled' } }));
    for (const key of ['a/1', 'a/2', 'b', 'c/1', 'c/2', 'd']) await client.send(new PutObjectCommand({ Bucket: 'rolled', Key: key, Body: key }));
    await client.send(new PutObjectCommand({ Bucket: 'rolled', Key: 'b', Body: 'b again' }));
    const seen: string[] = [];
    const nextMarkers: [string | undefined, string | undefined][] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectVersionsCommand({ Bucket: 'rolled', Delimiter: '/', MaxKeys: 1, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
      seen.push(...(page.Versions ?? []).map((v) => `version ${v.Key}`), ...(page.CommonPrefixes ?? []).map((p) => `prefix ${p.Prefix}`));
      if (seen.length > 20) throw new Error('the listing does not end');
      if (!page.IsTruncated) break;
      [keyMarker, versionIdMarker] = [page.NextKeyMarker, page.NextVersionIdMarker];
      nextMarkers.push([keyMarker, versionIdMarker && 'id']);
    }
    expect(seen).toEqual(['prefix a/', 'version b', 'version b', 'prefix c/', 'version d']);
    // A page ending on a prefix resumes after it (no version marker); on a version, inside its key.
    expect(nextMarkers).toEqual([
      ['a/', undefined],
      ['b', 'id'],
      ['b', 'id'],
      ['c/', undefined],
    ]);
  });

  it('lists a never-versioned bucket with version id "null", and refuses bad markers as S3 does', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'unversioned' }));
    await client.send(new PutObjectCommand({ Bucket: 'unversioned', Key: 'k', Body: 'x' }));
    const out = await client.send(new ListObjectVersionsCommand({ Bucket: 'unversioned' }));
    expect(brief(out.Versions)).toEqual([['k', 'null', true]]);
    const orphan = await failure(client.send(new ListObjectVersionsCommand({ Bucket: 'history', VersionIdMarker: ids.b![0] })));
    expect([orphan.name, orphan.$metadata.httpStatusCode, orphan.message]).toEqual([
      'InvalidArgument',
      400,
      'A version-id marker cannot be specified without a key marker.',
    ]);
    const unknown = await failure(client.send(new ListObjectVersionsCommand({ Bucket: 'history', KeyMarker: 'b', VersionIdMarker: 'x'.repeat(32) })));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    const noBucket = await failure(client.send(new ListObjectVersionsCommand({ Bucket: 'no-such-bucket' })));
    expect([noBucket.name, noBucket.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
  });
});

describe('virtual-hosted-style requests', () => {
  it('recognises loopback virtual hosts only', () => {
    expect(['b.localhost:1', 'my.bucket.localhost', 'b.127.0.0.1:9000', 'B.LOCALHOST.'].map(virtualHostedBucket)).toEqual(['b', 'my.bucket', 'b', 'b']);
    expect(['localhost:1', '127.0.0.1:9000', '[::1]:9', 'host.docker.internal:1', 's3.example.test', undefined].map(virtualHostedBucket)).toEqual(
      Array(6).fill(undefined),
    );
  });

  it('an SDK client without forcePathStyle on a localhost endpoint gets a clear InvalidRequest, not a wrong answer', async () => {
    // The SDK addresses bucket.localhost; this lookup keeps the test off DNS: every name is loopback.
    const looked: string[] = [];
    const lookup = (hostname: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      looked.push(hostname);
      if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    };
    const hosted = newClient({
      endpoint: `http://localhost:${server.port}`,
      forcePathStyle: false,
      requestHandler: { httpAgent: new Agent({ lookup } as AgentOptions) },
    });
    await client.send(new CreateBucketCommand({ Bucket: 'hosted' }));
    const put = await failure(hosted.send(new PutObjectCommand({ Bucket: 'hosted', Key: 'k/1', Body: 'x' })));
    expect([put.name, put.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
    expect(put.message).toMatch(/path-style requests only .* names bucket "hosted" in its Host header .*forcePathStyle: true/);
    expect(s3.getObject('hosted', 'k/1')).toEqual({ error: 'NoSuchKey' });
    // Read path-style, this would have been ListBuckets and an empty listing.
    const list = await failure(hosted.send(new ListObjectsV2Command({ Bucket: 'hosted' })));
    expect([list.name, list.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
    expect(new Set(looked)).toEqual(new Set(['hosted.localhost']));
  });

  it('an SDK client without forcePathStyle on an IP endpoint is addressed path-style and works', async () => {
    const byIp = newClient({ endpoint: server.url, forcePathStyle: false });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await byIp.send(new PutObjectCommand({ Bucket: 'plain', Key: 'by-ip', Body: 'ip' }));
    expect((await read(await byIp.send(new GetObjectCommand({ Bucket: 'plain', Key: 'by-ip' })))).toString()).toBe('ip');
  });

  it('a raw request with Host bucket.127.0.0.1 is refused the same way', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/',
          headers: { host: `plain.127.0.0.1:${server.port}`, authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/s3/aws4_request' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<Code>InvalidRequest</Code>');
    expect(answer.body).toContain('<BucketName>plain</BucketName>');
  });
});

describe('the in-memory S3 size cap', () => {
  let small: InMemoryS3;
  let smallServer: LoopbackServer;
  beforeAll(async () => {
    small = new InMemoryS3('us-east-1', { maxTotalBytes: 1000 });
    small.createBucket('capped');
    small.createBucket('capped-versions', { versioned: true });
    smallServer = await small.listen();
  });
  afterAll(() => smallServer.close());

  it('answers 507 InsufficientStorage past the cap, without retries, and counts what a write replaces or a delete frees', async () => {
    // Three attempts allowed: a 507 must not be one the SDK retries.
    const c = newClient({ endpoint: smallServer.url, maxAttempts: 3 });
    await c.send(new PutObjectCommand({ Bucket: 'capped', Key: 'a', Body: Buffer.alloc(600) }));
    const full = await failure(c.send(new PutObjectCommand({ Bucket: 'capped', Key: 'b', Body: Buffer.alloc(600) })));
    expect([full.name, full.$metadata.httpStatusCode, full.$metadata.attempts]).toEqual(['InsufficientStorage', 507, 1]);
    expect(full.message).toMatch(/holds 600 bytes; storing 600 more for capped\/b would pass its cap of 1000 bytes/);
    expect(small.getObject('capped', 'b')).toEqual({ error: 'NoSuchKey' });
    // Streamed (aws-chunked) uploads are refused by their declared size, before buffering.
    // (The SDK logs any failed streaming upload on console.warn: a quiet logger keeps the output clean.)
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const streamer = newClient({ endpoint: smallServer.url, logger: quiet });
    const streamed = await failure(
      streamer.send(new PutObjectCommand({ Bucket: 'capped', Key: 'b', Body: Readable.from([Buffer.alloc(500)]), ContentLength: 500 })),
    );
    expect([streamed.name, streamed.$metadata.httpStatusCode]).toEqual(['InsufficientStorage', 507]);
    // Replacing an object in an unversioned bucket frees its bytes: 1000 exactly fits.
    await c.send(new PutObjectCommand({ Bucket: 'capped', Key: 'a', Body: Buffer.alloc(1000) }));
    expect(small.storedBytes).toBe(1000);
    await c.send(new DeleteObjectCommand({ Bucket: 'capped', Key: 'a' }));
    expect(small.storedBytes).toBe(0);
    // In a versioned bucket every version counts; a delete marker frees nothing.
    await c.send(new PutObjectCommand({ Bucket: 'capped-versions', Key: 'v', Body: Buffer.alloc(400) }));
    await c.send(new PutObjectCommand({ Bucket: 'capped-versions', Key: 'v', Body: Buffer.alloc(400) }));
    await c.send(new DeleteObjectCommand({ Bucket: 'capped-versions', Key: 'v' }));
    expect((await failure(c.send(new PutObjectCommand({ Bucket: 'capped-versions', Key: 'v', Body: Buffer.alloc(400) })))).name).toBe('InsufficientStorage');
    // Programmatic puts obey the same cap, with a typed error.
    expect(() => small.putObject('capped', 'x', Buffer.alloc(201))).toThrow(expect.objectContaining({ code: 'EMULATOR_S3_FULL' }));
  });

  it('defaults to 512 MiB, is an option of startEmulator, and refuses nonsense', async () => {
    expect(new InMemoryS3('us-east-1').maxTotalBytes).toBe(512 * 1024 * 1024);
    expect(DEFAULT_S3_MAX_TOTAL_BYTES).toBe(512 * 1024 * 1024);
    expect(new InMemoryS3('us-east-1', { maxTotalBytes: Infinity }).maxTotalBytes).toBe(Infinity);
    for (const bad of [-1, Number.NaN])
      expect(() => new InMemoryS3('us-east-1', { maxTotalBytes: bad })).toThrow(expect.objectContaining({ code: 'EMULATOR_CONFIG_INVALID' }));
    const emu = await startEmulator({ s3MaxTotalBytes: 10 });
    try {
      expect(emu.s3!.maxTotalBytes).toBe(10);
      const c = newClient({ endpoint: emu.s3Endpoint });
      const full = await failure(c.send(new PutObjectCommand({ Bucket: emu.bucket, Key: 'k', Body: 'more than ten bytes' })));
      expect([full.name, full.$metadata.httpStatusCode]).toEqual(['InsufficientStorage', 507]);
    } finally {
      await emu.close();
    }
  });
});

describe('aws-chunked decoding', () => {
  it('decodes signed chunks and trailers, and refuses broken framing', () => {
    const framed = Buffer.from('5;chunk-signature=ab\r\nhello\r\n1\r\n!\r\n0;chunk-signature=cd\r\nx-amz-checksum-crc32:AAAA\r\n\r\n');
    expect(decodeAwsChunked(framed)).toEqual({ data: Buffer.from('hello!'), trailers: { 'x-amz-checksum-crc32': 'AAAA' } });
    expect(decodeAwsChunked(Buffer.from('0\r\n\r\n')).data.length).toBe(0);
    for (const broken of ['5\r\nhel', 'zz\r\nhello\r\n0\r\n\r\n', '5\r\nhelloXX0\r\n\r\n', '']) {
      expect(() => decodeAwsChunked(Buffer.from(broken))).toThrow(PayloadError);
    }
  });
});
