import { GetRawMessageContentCommand, PutRawMessageContentCommand, type WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';
import type { MessageFlowPort, ObjectLocation } from '../flow/ports.js';
import { toServiceError } from './service-error.js';

/**
 * The Message Flow API over the AWS SDK. The SDK's own retries are off (`maxAttempts: 1`
 * on the client): the pipeline retries within WorkMail's 15-second budget itself.
 */
export class SdkMessageFlow implements MessageFlowPort {
  constructor(private readonly client: WorkMailMessageFlowClient) {}

  async getRawMessage(messageId: string, signal: AbortSignal): Promise<Buffer> {
    try {
      const out = await this.client.send(new GetRawMessageContentCommand({ messageId }), { abortSignal: signal });
      if (!out.messageContent) throw new Error('the response had no message content');
      // Bytes as sent: never through a string, which would mangle 8-bit content.
      const bytes = await out.messageContent.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (err) {
      throw toServiceError(err, 'GetRawMessageContent');
    }
  }

  async putRawMessage(messageId: string, location: ObjectLocation, signal: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new PutRawMessageContentCommand({
          messageId,
          content: {
            s3Reference: {
              bucket: location.bucket,
              key: location.key,
              ...(location.versionId ? { objectVersion: location.versionId } : {}),
            },
          },
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw toServiceError(err, 'PutRawMessageContent');
    }
  }
}
