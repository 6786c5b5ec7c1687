import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetRawMessageContentCommand,
  InvalidContentLocation,
  MessageFrozen,
  MessageRejected,
  PutRawMessageContentCommand,
  ResourceNotFoundException,
  WorkMailMessageFlowClient,
  WorkMailMessageFlowServiceException,
} from '@aws-sdk/client-workmailmessageflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import type { ContentValidator } from '../../lib/emulator/message-flow-server.js';
import { deliveredContent } from '../../lib/emulator/message-store.js';
import { InMemoryS3 } from '../../lib/emulator/s3-server.js';
import type { LoopbackServer } from '../../lib/emulator/http.js';
import { mail } from '../support/samples.js';
import { failure, TEST_CREDENTIALS } from './support.js';

/** A small stand-in for WorkMail's content checks: RFC 5321 line length and a From header. */
const checkContent: ContentValidator = (_original, updated) => {
  const problems: string[] = [];
  updated
    .toString('latin1')
    .split('\n')
    .forEach((line, i) => {
      const octets = line.replace(/\r$/, '').length;
      if (octets > 998) problems.push(`line ${i + 1} is ${octets} octets long, over the 998 allowed`);
    });
  if (!/^From:/im.test(updated.toString('latin1'))) problems.push('the From header is missing');
  return problems;
};

let emu: Emulator;
let flow: WorkMailMessageFlowClient;
let s3: S3Client;
const clients: { destroy(): void }[] = [];
const original = mail([
  'From: a@example.org',
  'To: b@example.com',
  'Date: Mon, 1 Jan 2024 00:00:00 +0000',
  'Message-ID: <1@example.org>',
  'Subject: hi',
  '',
  'Grüße, body',
  '',
]);
const updated = Buffer.from(original.toString().replace('Subject: hi', 'Subject: [EXT] hi'));

function flowClient(extra: Partial<ConstructorParameters<typeof WorkMailMessageFlowClient>[0]> = {}) {
  const c = new WorkMailMessageFlowClient({ region: emu.region, credentials: TEST_CREDENTIALS, endpoint: emu.messageFlowEndpoint, maxAttempts: 1, ...extra });
  clients.push(c);
  return c;
}
function s3Client(endpoint: string, region = 'us-east-1') {
  const c = new S3Client({ region, credentials: TEST_CREDENTIALS, endpoint, forcePathStyle: true, maxAttempts: 1 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  emu = await startEmulator({ versionedBucket: true, validateContent: checkContent });
  flow = flowClient();
  s3 = s3Client(emu.s3Endpoint);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await emu.close();
});

const put = (id: string, key: string, extra: { bucket?: string; objectVersion?: string; client?: WorkMailMessageFlowClient } = {}) =>
  (extra.client ?? flow).send(
    new PutRawMessageContentCommand({
      messageId: id,
      content: {
        s3Reference: { bucket: extra.bucket ?? emu.bucket, key, ...(extra.objectVersion !== undefined ? { objectVersion: extra.objectVersion } : {}) },
      },
    }),
  );
const get = async (id: string, client = flow) =>
  Buffer.from(await (await client.send(new GetRawMessageContentCommand({ messageId: id }))).messageContent!.transformToByteArray());
const upload = (key: string, body: Buffer, bucket = emu.bucket) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

describe('GetRawMessageContent over the real SDK', () => {
  it('streams the exact bytes: every byte value, 8-bit text, bare LFs', async () => {
    const binary = Buffer.concat([original, Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from('\n\r\n\xe9', 'latin1')]);
    const m = emu.store.add(binary);
    expect((await get(m.id)).equals(binary)).toBe(true);
  });

  it('streams a 5 MB message', async () => {
    const big = Buffer.concat([original, randomBytes(5 * 1024 * 1024)]);
    const m = emu.store.add(big);
    expect((await get(m.id)).equals(big)).toBe(true);
  });

  it('streams a multi-MB message without piling listeners on the response (no MaxListenersExceededWarning)', async () => {
    const big = Buffer.concat([original, randomBytes(6 * 1024 * 1024 + 12345)]);
    const m = emu.store.add(big);
    const warnings: Error[] = [];
    // The SDK's once-per-process Node 20 notice (from the S3Client of beforeAll) may land late; it says nothing about streaming.
    const onWarning = (w: Error) => {
      if (!/NodeVersionSupportWarning/.test(w.message)) warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const got = await get(m.id);
      // Warnings are emitted on a later tick: let them arrive before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
      expect(got.length).toBe(big.length);
      expect(got.equals(big)).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stops streaming cleanly when the client goes away mid-message', async () => {
    const big = Buffer.concat([original, randomBytes(4 * 1024 * 1024)]);
    const m = emu.store.add(big);
    const auth = `AWS4-HMAC-SHA256 Credential=test/20240101/${emu.region}/workmailmessageflow/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(`${emu.messageFlowEndpoint}/messages/${m.id}`, { headers: { authorization: auth } }, (res) => {
        res.once('data', (chunk: Buffer) => {
          // Hang up after the first slice, as a Lambda that times out would.
          req.destroy();
          resolve(chunk.length);
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end();
    });
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(big.length);
    // The server is unharmed and answers the next call in full.
    expect((await get(m.id)).equals(big)).toBe(true);
  });
});

describe('PutRawMessageContent over the real SDK', () => {
  it('reads the uploaded object, validates it and updates the message', async () => {
    const m = emu.store.add(original);
    // A streamed upload: aws-chunked with a CRC32 trailer, as the SDK sends by default.
    await s3.send(new PutObjectCommand({ Bucket: emu.bucket, Key: `updated/${m.id}`, Body: Readable.from([updated]), ContentLength: updated.length }));
    const out = await put(m.id, `updated/${m.id}`);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(emu.store.get(m.id)!.updated!.equals(updated)).toBe(true);
    expect(emu.store.get(m.id)!.updatedFrom).toEqual({ bucket: emu.bucket, key: `updated/${m.id}`, objectVersion: undefined });
    // The message now reads back as updated.
    expect((await get(m.id)).equals(updated)).toBe(true);
  });

  it('reads the given version of an object in a versioned bucket', async () => {
    const m = emu.store.add(original);
    const v1 = await upload('versioned/key', updated);
    const v2 = await upload('versioned/key', Buffer.from(updated.toString().replace('[EXT]', '[V2]')));
    expect(v1.VersionId).toBeDefined();
    expect(v2.VersionId).not.toBe(v1.VersionId);
    await put(m.id, 'versioned/key', { objectVersion: v1.VersionId! });
    expect(emu.store.get(m.id)!.updated!.equals(updated)).toBe(true);
    await put(m.id, 'versioned/key');
    expect(emu.store.get(m.id)!.updated!.toString()).toContain('[V2]');
    const gone = await failure(put(m.id, 'versioned/key', { objectVersion: 'no-such-version' }));
    expect([gone.name, gone.message]).toEqual(['InvalidContentLocation', expect.stringContaining('(NoSuchVersion)')]);
  });

  it('accepts the call but changes nothing outside a synchronous Run Lambda invocation', async () => {
    const m = emu.store.add(original, { acceptsUpdates: false });
    await upload('late/update', updated);
    await put(m.id, 'late/update');
    expect(emu.store.get(m.id)!.updated).toBeUndefined();
    // The message as delivered stays; GetRawMessageContent returns the update all the same.
    expect(deliveredContent(emu.store.get(m.id)!).equals(original)).toBe(true);
    expect((await get(m.id)).equals(updated)).toBe(true);
    expect(emu.store.get(m.id)!.lateUpdateFrom).toEqual({ bucket: emu.bucket, key: 'late/update', objectVersion: undefined });
  });
});

describe('Message Flow API errors, as the SDK raises them', () => {
  it('ResourceNotFoundException (404) for an unknown message', async () => {
    const e = await failure(flow.send(new GetRawMessageContentCommand({ messageId: 'no-such-message' })));
    expect(e).toBeInstanceOf(ResourceNotFoundException);
    expect([e.name, e.$metadata.httpStatusCode, e.message]).toEqual([
      'ResourceNotFoundException',
      404,
      'Message no-such-message not found: no message in transit has this id',
    ]);
    expect((await failure(put('no-such-message', 'k'))).name).toBe('ResourceNotFoundException');
  });

  it('ResourceNotFoundException once a message is more than 24 hours old', async () => {
    const day = 24 * 3600_000;
    const old = emu.store.add(original, { receivedAt: new Date(Date.now() - day - 60_000) });
    const e = await failure(flow.send(new GetRawMessageContentCommand({ messageId: old.id })));
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);
    expect(e.message).toMatch(/within 24 hours/);
    const recent = emu.store.add(original, { receivedAt: new Date(Date.now() - day + 60_000) });
    expect((await get(recent.id)).equals(original)).toBe(true);
  });

  it('MessageFrozen for a redirected message', async () => {
    const frozen = emu.store.add(original, { redirected: true });
    await upload('frozen', updated);
    const e = await failure(put(frozen.id, 'frozen'));
    expect(e).toBeInstanceOf(MessageFrozen);
    expect([e.name, e.$metadata.httpStatusCode, e.message]).toEqual(['MessageFrozen', 400, expect.stringMatching(/redirected/)]);
  });

  it('ValidationException for S3Reference and message id patterns, before looking at the message', async () => {
    const m = emu.store.add(original);
    for (const key of ['updated/message.eml', 'updated/a_b', 'space here', 'ümlaut']) {
      const e = await failure(put(m.id, key));
      expect([e.name, e.$metadata.httpStatusCode]).toEqual(['ValidationException', 400]);
      expect(e.message).toBe(
        `1 validation error detected: Value '${key}' at 'content.s3Reference.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\-/]*`,
      );
    }
    const two = await failure(put('unknown-message', 'a.b', { bucket: 'Upper_Bucket' }));
    expect(two.message).toMatch(
      /^2 validation errors detected: Value 'Upper_Bucket' at 'content\.s3Reference\.bucket'.*; Value 'a\.b' at 'content\.s3Reference\.key'/,
    );
    expect((await failure(put(m.id, 'k', { bucket: 'ab' }))).message).toMatch(
      /'content\.s3Reference\.bucket' failed to satisfy constraint: Member must have length greater than or equal to 3/,
    );
    expect((await failure(put(m.id, 'k', { objectVersion: '' }))).message).toMatch(
      /'content\.s3Reference\.objectVersion' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    );
    expect((await failure(put(m.id, 'x'.repeat(1025)))).message).toMatch(/length less than or equal to 1024/);
    const upper = await failure(flow.send(new GetRawMessageContentCommand({ messageId: 'Not-Lower' })));
    expect([upper.name, upper.message]).toEqual(['ValidationException', expect.stringContaining("Value 'Not-Lower' at 'messageId'")]);
  });

  it('InvalidContentLocation for a bucket in another Region', async () => {
    const m = emu.store.add(original);
    // Created and written through the SDK, signed for the bucket's own Region as S3 insists.
    const ireland = s3Client(emu.s3Endpoint, 'eu-west-1');
    await ireland.send(new CreateBucketCommand({ Bucket: 'bucket-in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await ireland.send(new PutObjectCommand({ Bucket: 'bucket-in-ireland', Key: 'k', Body: updated }));
    const e = await failure(put(m.id, 'k', { bucket: 'bucket-in-ireland' }));
    expect(e).toBeInstanceOf(InvalidContentLocation);
    expect([e.name, e.$metadata.httpStatusCode]).toEqual(['InvalidContentLocation', 400]);
    expect(e.message).toMatch(/the bucket is in eu-west-1, but the organisation is in us-east-1/);
  });

  it('InvalidContentLocation for a missing object or bucket, or a bucket policy that leaves WorkMail out', async () => {
    const m = emu.store.add(original);
    const missing = await failure(put(m.id, 'updated/missing'));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['InvalidContentLocation', 400]);
    expect(missing.message).toBe(
      `WorkMail cannot read the updated content at s3://${emu.bucket}/updated/missing (NoSuchKey). The object must exist in a bucket in us-east-1 owned by the organisation's account, whose bucket policy lets workmail.us-east-1.amazonaws.com s3:GetObject and s3:GetObjectVersion.`,
    );
    expect((await failure(put(m.id, 'k', { bucket: 'no-such-bucket' }))).message).toMatch(/\(NoSuchBucket\)/);
    emu.s3!.createBucket('no-workmail-policy', { allowWorkMail: false });
    await upload('k', updated, 'no-workmail-policy');
    expect((await failure(put(m.id, 'k', { bucket: 'no-workmail-policy' }))).message).toMatch(/\(AccessDenied\).*bucket policy/);
  });

  it('MessageRejected listing every problem the content checks found', async () => {
    const m = emu.store.add(original);
    await upload('bad', Buffer.from(original.toString().replace('From: a@example.org\r\n', '').replace('body', 'x'.repeat(1200))));
    const e = await failure(put(m.id, 'bad'));
    expect(e).toBeInstanceOf(MessageRejected);
    expect([e.name, e.$metadata.httpStatusCode, e.message]).toEqual([
      'MessageRejected',
      400,
      `The updated content of message ${m.id} was rejected: line 6 is 1209 octets long, over the 998 allowed; the From header is missing`,
    ]);
    expect(emu.store.get(m.id)!.updated).toBeUndefined();
  });

  it('injected ThrottlingException, ServiceUnavailable and InternalFailure', async () => {
    const m = emu.store.add(original);
    emu.store.injectFault('ThrottlingException');
    const throttled = await failure(flow.send(new GetRawMessageContentCommand({ messageId: m.id })));
    expect(throttled).toBeInstanceOf(WorkMailMessageFlowServiceException);
    expect([throttled.name, throttled.$metadata.httpStatusCode, throttled.message]).toEqual([
      'ThrottlingException',
      400,
      'Rate exceeded (fault injected by the wmflow emulator)',
    ]);
    emu.store.injectFaults('ServiceUnavailable', 'InternalFailure');
    const unavailable = await failure(get(m.id));
    const internal = await failure(get(m.id));
    expect([unavailable.name, unavailable.$metadata.httpStatusCode, internal.name, internal.$metadata.httpStatusCode]).toEqual([
      'ServiceUnavailable',
      503,
      'InternalFailure',
      500,
    ]);
    // Faults can target one operation only.
    emu.store.injectFault('ThrottlingException', { operation: 'PutRawMessageContent' });
    expect((await get(m.id)).equals(original)).toBe(true);
    expect((await failure(put(m.id, 'k'))).name).toBe('ThrottlingException');
    expect(emu.store.pendingFaults).toBe(0);
  });

  it('lets the SDK retry through transient failures over real HTTP', async () => {
    const m = emu.store.add(original);
    const retrying = flowClient({ maxAttempts: 3 });
    const before = emu.store.calls.length;
    // 503s: the SDK's backoff for them is short (throttling waits longer).
    emu.store.injectFault('ServiceUnavailable', { times: 2 });
    const out = await retrying.send(new GetRawMessageContentCommand({ messageId: m.id }));
    expect(Buffer.from(await out.messageContent!.transformToByteArray()).equals(original)).toBe(true);
    expect(out.$metadata.attempts).toBe(3);
    expect(emu.store.calls.slice(before).map((c) => [c.operation, c.status, c.errorType])).toEqual([
      ['GetRawMessageContent', 503, 'ServiceUnavailable'],
      ['GetRawMessageContent', 503, 'ServiceUnavailable'],
      ['GetRawMessageContent', 200, undefined],
    ]);
  });

  it('requires a SigV4 request scoped to the Region, and knows only its two operations', async () => {
    const m = emu.store.add(original);
    const unsigned = await fetch(`${emu.messageFlowEndpoint}/messages/${m.id}`);
    expect([unsigned.status, unsigned.headers.get('x-amzn-errortype'), ((await unsigned.json()) as { message: string }).message]).toEqual([
      403,
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    ]);
    const wrongRegion = await failure(get(m.id, flowClient({ region: 'eu-west-1' })));
    expect([wrongRegion.name, wrongRegion.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 403]);
    const unknown = await fetch(`${emu.messageFlowEndpoint}/nothing-here`, { headers: { authorization: 'x' } });
    expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([404, 'UnknownOperationException']);
  });
});

describe('with an S3 endpoint given by configuration', () => {
  let external: InMemoryS3;
  let server: LoopbackServer;
  let ext: Emulator;
  beforeAll(async () => {
    // Stands in for MinIO, LocalStack or any S3-compatible server: reached only over HTTP.
    external = new InMemoryS3('us-east-1');
    server = await external.listen();
    ext = await startEmulator({ s3Endpoint: server.url, bucket: 'external-bucket', versionedBucket: true, validateContent: checkContent });
  });
  afterAll(async () => {
    await ext.close();
    await server.close();
  });

  it('creates the bucket there and reads updated content through an S3 client', async () => {
    expect(ext.s3).toBeUndefined();
    expect(external.buckets.get('external-bucket')!.versioning).toBe('Enabled');
    const extS3 = s3Client(ext.s3Endpoint);
    const m = ext.store.add(original);
    const v = await extS3.send(new PutObjectCommand({ Bucket: 'external-bucket', Key: 'updated/x', Body: updated }));
    await put(m.id, 'updated/x', { bucket: 'external-bucket', objectVersion: v.VersionId!, client: flowClient({ endpoint: ext.messageFlowEndpoint }) });
    expect(ext.store.get(m.id)!.updated!.equals(updated)).toBe(true);
  });

  it('reports missing objects and other-Region buckets as InvalidContentLocation', async () => {
    const client = flowClient({ endpoint: ext.messageFlowEndpoint });
    const m = ext.store.add(original);
    expect((await failure(put(m.id, 'missing', { bucket: 'external-bucket', client }))).message).toMatch(/\(NoSuchKey\)/);
    external.createBucket('frankfurt-bucket', { region: 'eu-central-1' });
    external.putObject('frankfurt-bucket', 'k', updated);
    const e = await failure(put(m.id, 'k', { bucket: 'frankfurt-bucket', client }));
    expect([e.name, e.message]).toEqual(['InvalidContentLocation', expect.stringMatching(/bucket is in eu-central-1.*own Region \(us-east-1\)/)]);
  });
});
