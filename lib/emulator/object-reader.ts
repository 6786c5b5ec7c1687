import { GetObjectCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { InMemoryS3 } from './s3-server.js';

/** What reading the object WorkMail was pointed at gave: its bytes and its bucket's Region, or why not. */
export type ObjectReadResult =
  | { body: Buffer; region: string }
  | {
      /** The S3 error (`NoSuchKey`, `NoSuchBucket`, `NoSuchVersion`, `AccessDenied`…). */
      error: string;
      /** The bucket's Region when known (a wrong-Region bucket is reported with it). */
      region?: string | undefined;
    };

/**
 * Reads an object as WorkMail does when PutRawMessageContent names it: with WorkMail's own
 * permissions (the bucket policy), never the caller's.
 */
export type ObjectReader = (bucket: string, key: string, versionId: string | undefined) => Promise<ObjectReadResult>;

/** Reads from the embedded S3, honouring each bucket's simulated policy (`allowWorkMail`). */
export function embeddedObjectReader(s3: InMemoryS3): ObjectReader {
  return async (bucket, key, versionId) => {
    const found = s3.getObject(bucket, key, versionId);
    if ('error' in found) return { error: found.error === 'MethodNotAllowed' ? 'NoSuchVersion' : found.error, region: s3.buckets.get(bucket)?.region };
    if (!found.bucket.allowWorkMail) return { error: 'AccessDenied', region: found.region };
    return { body: found.object.body, region: found.region };
  };
}

/**
 * Reads through an S3 client (any S3-compatible endpoint given by configuration). The bucket's
 * Region comes from HeadBucket's `x-amz-bucket-region` (also sent with a wrong-Region redirect),
 * cached per bucket; a server that does not send it is taken to be in `assumedRegion`.
 */
export function s3ClientObjectReader(client: S3Client, assumedRegion: string): ObjectReader {
  const regions = new Map<string, string>();
  const regionOf = async (bucket: string): Promise<string> => {
    const cached = regions.get(bucket);
    if (cached) return cached;
    let region: string | undefined;
    try {
      region = (await client.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion;
    } catch (err) {
      region = headerOf(err, 'x-amz-bucket-region');
      // A missing bucket shows up again, with its proper name, on the GetObject below.
    }
    const resolved = region ?? assumedRegion;
    regions.set(bucket, resolved);
    return resolved;
  };
  return async (bucket, key, versionId) => {
    const region = await regionOf(bucket);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      if (!out.Body) return { error: 'EmptyResponse', region };
      const bytes = await out.Body.transformToByteArray();
      return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), region };
    } catch (err) {
      const name = (err as { name?: string }).name ?? 'Error';
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // HeadObject-style answers have no body: the SDK names them by status.
      return { error: name === 'NotFound' || (name === 'UnknownError' && status === 404) ? 'NoSuchKey' : name === 'Forbidden' ? 'AccessDenied' : name, region };
    }
  };
}

function headerOf(err: unknown, name: string): string | undefined {
  const headers = (err as { $response?: { headers?: Record<string, string | undefined> } }).$response?.headers;
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
