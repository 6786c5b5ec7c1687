import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkUpdatedContent } from '../workmail/content-checks.js';
import type { EmailFlowRule } from './flow-rules.js';
import { deliver, type DeliveryOutcome, type DeliveryRequest } from './delivery.js';
import { startMessageFlowServer, type ContentValidator, type ObjectReader } from './message-flow-server.js';
import { MessageStore } from './message-store.js';
import type { LambdaFunction } from './run-lambda.js';
import { InMemoryS3 } from './s3-server.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  region?: string;
  bucket?: string;
  /** Create the bucket versioned (PutObject then returns version ids). */
  versionedBucket?: boolean;
  /** Use this S3 endpoint instead of the embedded in-memory S3. */
  s3Endpoint?: string;
  messageFlowPort?: number;
  s3Port?: number;
  /** Checks updated content; default: the same checks the pipeline's pre-flight uses. */
  validateContent?: ContentValidator;
  /** The organisation: its domains and email flow rules. */
  orgDomains?: string[];
  flowRules?: EmailFlowRule[];
  /** The Lambda a Run Lambda rule invokes. */
  lambda?: LambdaFunction;
  answerLimitMs?: number;
}

/** A running emulator. */
export interface Emulator {
  region: string;
  bucket: string;
  messageFlowEndpoint: string;
  s3Endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  store: MessageStore;
  /** The embedded S3 (undefined with an external endpoint). */
  s3: InMemoryS3 | undefined;
  /** Environment variables that point the AWS SDK and CLI at the emulator. */
  env: Record<string, string>;
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}

/** The default organisation: one inbound and one outbound synchronous Run Lambda rule for everyone. */
export function defaultFlowRules(): EmailFlowRule[] {
  return [
    { name: 'wmflow-inbound', direction: 'INBOUND', senders: ['*'], action: 'RUN_LAMBDA', lambda: { fallback: 'DEFAULT', ruleTimeoutMinutes: 5 } },
    { name: 'wmflow-outbound', direction: 'OUTBOUND', senders: ['*'], recipients: ['*'], action: 'RUN_LAMBDA', lambda: { fallback: 'DEFAULT', ruleTimeoutMinutes: 5 } },
  ];
}

/**
 * Starts a local WorkMail: the Message Flow API and an S3 server on free loopback ports, a
 * bucket, and the organisation around the Lambda. Nothing leaves 127.0.0.1.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1';
  const bucket = options.bucket ?? 'wmflow-local';
  const credentials = { accessKeyId: 'emulator', secretAccessKey: 'emulator' };
  const store = new MessageStore();
  let s3: InMemoryS3 | undefined;
  let s3Endpoint: string;
  let readObject: ObjectReader;
  let closeS3 = async () => undefined as void;
  if (options.s3Endpoint) {
    s3Endpoint = options.s3Endpoint;
    const client = new S3Client({ region, endpoint: s3Endpoint, forcePathStyle: true, credentials });
    readObject = async (b, key, versionId) => {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: b, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
        return { body: Buffer.from(await out.Body!.transformToByteArray()), region };
      } catch (err) {
        return { error: (err as Error).name };
      }
    };
  } else {
    s3 = new InMemoryS3(region);
    s3.createBucket(bucket, { versioned: options.versionedBucket ?? false });
    const server = await s3.listen(options.s3Port);
    s3Endpoint = server.url;
    closeS3 = server.close;
    const local = s3;
    readObject = async (b, key, versionId) => {
      const found = local.getObject(b, key, versionId);
      return 'error' in found ? { error: found.error } : { body: found.object.body, region: found.region };
    };
  }
  const validateContent =
    options.validateContent ??
    (async (original: Buffer, updated: Buffer) => (await checkUpdatedContent(original, updated)).filter((p) => p.severity === 'error').map((p) => p.message));
  const api = await startMessageFlowServer({ store, region, readObject, validateContent, port: options.messageFlowPort });
  const org = { domains: options.orgDomains ?? ['example.com'], rules: options.flowRules ?? defaultFlowRules(), lambda: options.lambda, answerLimitMs: options.answerLimitMs };
  return {
    region,
    bucket,
    messageFlowEndpoint: api.url,
    s3Endpoint,
    credentials,
    store,
    s3,
    env: {
      AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: api.url,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      WMFLOW_BUCKET: bucket,
      WMFLOW_S3_FORCE_PATH_STYLE: 'true',
    },
    deliver: (request) => deliver(store, org, request),
    close: async () => {
      await api.close();
      await closeS3();
    },
  };
}
