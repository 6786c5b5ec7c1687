import { S3Client } from '@aws-sdk/client-s3';
import { WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';
import type { MessageFlowPort, ObjectStorePort } from '../flow/ports.js';
import { SdkMessageFlow } from './message-flow-client.js';
import { SdkObjectStore } from './object-store.js';

/** How to reach AWS (or a local emulator). */
export interface AwsOptions {
  region?: string;
  /** Message Flow API endpoint (default: the Region's; env AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW also works). */
  messageFlowEndpoint?: string;
  /** S3 endpoint (env AWS_ENDPOINT_URL_S3 also works). */
  s3Endpoint?: string;
  /** Path-style S3 addressing, needed for local S3 servers. */
  s3ForcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The SDK clients and the pipeline's ports over them. Create once per Lambda container. */
export function createAwsPorts(options: AwsOptions = {}): { messageFlow: MessageFlowPort; objectStore: ObjectStorePort; destroy(): void } {
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
  };
  const messageFlowClient = new WorkMailMessageFlowClient({ ...common, ...(options.messageFlowEndpoint ? { endpoint: options.messageFlowEndpoint } : {}) });
  const s3Client = new S3Client({
    ...common,
    ...(options.s3Endpoint ? { endpoint: options.s3Endpoint } : {}),
    ...(options.s3ForcePathStyle ? { forcePathStyle: true } : {}),
  });
  return {
    messageFlow: new SdkMessageFlow(messageFlowClient),
    objectStore: new SdkObjectStore(s3Client),
    destroy() {
      messageFlowClient.destroy();
      s3Client.destroy();
    },
  };
}
