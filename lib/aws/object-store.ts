import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStorePort } from '../flow/ports.js';
import { toServiceError } from './service-error.js';

/** The updated-message bucket over the AWS SDK. */
export class SdkObjectStore implements ObjectStorePort {
  constructor(private readonly client: S3Client) {}

  async put(bucket: string, key: string, body: Buffer, signal: AbortSignal): Promise<{ versionId?: string | undefined }> {
    try {
      const out = await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'message/rfc822' }), {
        abortSignal: signal,
      });
      return { versionId: out.VersionId };
    } catch (err) {
      throw toServiceError(err, 'PutObject');
    }
  }
}
