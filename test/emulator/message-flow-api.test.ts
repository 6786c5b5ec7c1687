import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetRawMessageContentCommand, PutRawMessageContentCommand, WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../lib/emulator/emulator.js';
import { mail } from '../support/samples.js';

let emu: Emulator;
let flow: WorkMailMessageFlowClient;
let s3: S3Client;
const original = mail(['From: a@example.org', 'To: b@example.com', 'Date: Mon, 1 Jan 2024 00:00:00 +0000', 'Message-ID: <1@example.org>', 'Subject: hi', '', 'Grüße, body', '']);

beforeAll(async () => {
  emu = await startEmulator({ versionedBucket: true });
  const common = { region: emu.region, credentials: emu.credentials, maxAttempts: 1 };
  flow = new WorkMailMessageFlowClient({ ...common, endpoint: emu.messageFlowEndpoint });
  s3 = new S3Client({ ...common, endpoint: emu.s3Endpoint, forcePathStyle: true });
});
afterAll(async () => {
  flow.destroy();
  s3.destroy();
  await emu.close();
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return err as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

const put = (id: string, key: string, version?: string) =>
  flow.send(new PutRawMessageContentCommand({ messageId: id, content: { s3Reference: { bucket: emu.bucket, key, ...(version ? { objectVersion: version } : {}) } } }));

describe('Message Flow API over the real SDK', () => {
  it('GetRawMessageContent streams the exact bytes, 8-bit and large messages too', async () => {
    const m = emu.store.add(original);
    const out = await flow.send(new GetRawMessageContentCommand({ messageId: m.id }));
    expect(Buffer.from(await out.messageContent!.transformToByteArray()).equals(original)).toBe(true);
    const big = Buffer.alloc(5 * 1024 * 1024, 0xe9);
    const b = emu.store.add(big);
    const bigOut = await flow.send(new GetRawMessageContentCommand({ messageId: b.id }));
    expect(Buffer.from(await bigOut.messageContent!.transformToByteArray()).equals(big)).toBe(true);
  });

  it('PutRawMessageContent reads a versioned object and stores the update', async () => {
    const m = emu.store.add(original);
    const updated = Buffer.from(original.toString().replace('Subject: hi', 'Subject: [EXT] hi'));
    const uploaded = await s3.send(new PutObjectCommand({ Bucket: emu.bucket, Key: `updated/${m.id}`, Body: updated }));
    expect(uploaded.VersionId).toMatch(/^[0-9a-f]{32}$/);
    await put(m.id, `updated/${m.id}`, uploaded.VersionId);
    expect(emu.store.get(m.id)!.updated!.equals(updated)).toBe(true);
  });

  it('raises each WorkMail error as the SDK type, with a useful message', async () => {
    const unknown = await failure(flow.send(new GetRawMessageContentCommand({ messageId: 'no-such-message' })));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(['ResourceNotFoundException', 404]);

    const old = emu.store.add(original, { receivedAt: new Date(Date.now() - 25 * 3600_000) });
    expect((await failure(flow.send(new GetRawMessageContentCommand({ messageId: old.id })))).name).toBe('ResourceNotFoundException');

    const frozen = emu.store.add(original, { redirected: true });
    await s3.send(new PutObjectCommand({ Bucket: emu.bucket, Key: 'frozen', Body: original }));
    expect((await failure(put(frozen.id, 'frozen'))).name).toBe('MessageFrozen');

    const m = emu.store.add(original);
    const dotted = await failure(put(m.id, 'updated/message.eml'));
    expect(dotted.name).toBe('ValidationException');
    expect(dotted.message).toMatch(/content\.s3Reference\.key/);

    const missing = await failure(put(m.id, 'updated/missing'));
    expect(missing.name).toBe('InvalidContentLocation');
    expect(missing.message).toMatch(/NoSuchKey/);

    emu.s3!.createBucket('other-region-bucket', { region: 'eu-west-1' });
    emu.s3!.putObject('other-region-bucket', 'k', original);
    const otherRegion = await failure(flow.send(new PutRawMessageContentCommand({ messageId: m.id, content: { s3Reference: { bucket: 'other-region-bucket', key: 'k' } } })));
    expect(otherRegion.name).toBe('InvalidContentLocation');
    expect(otherRegion.message).toMatch(/eu-west-1/);

    const bad = Buffer.from(original.toString().replace('Message-ID: <1@example.org>', 'Message-ID: <2@example.org>').replace('body', 'x'.repeat(1200)));
    await s3.send(new PutObjectCommand({ Bucket: emu.bucket, Key: 'bad', Body: bad }));
    const rejected = await failure(put(m.id, 'bad'));
    expect(rejected.name).toBe('MessageRejected');
    expect(rejected.message).toMatch(/over 1000 octets/);
    expect(rejected.message).toMatch(/immutable header Message-ID/);

    emu.store.injectFaults('ThrottlingException');
    const throttled = await failure(flow.send(new GetRawMessageContentCommand({ messageId: m.id })));
    expect([throttled.name, throttled.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 400]);
    emu.store.injectFaults('ServiceUnavailable');
    expect((await failure(flow.send(new GetRawMessageContentCommand({ messageId: m.id })))).$metadata.httpStatusCode).toBe(503);
  });

  it('requires a signed request', async () => {
    const m = emu.store.add(original);
    const res = await fetch(`${emu.messageFlowEndpoint}/messages/${m.id}`);
    expect(res.status).toBe(403);
  });
});
