import { CreateBucketCommand, PutBucketVersioningCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { checkUpdatedContent } from '../workmail/content-checks.js';
import type { Clock } from './clock.js';
import { deliver, type DeliveryOutcome, type DeliveryRequest, type OrganisationOptions } from './delivery.js';
import { EmulatorError } from './errors.js';
import type { EmailFlowRule } from './flow-rules.js';
import { startMessageFlowServer, type ContentValidator } from './message-flow-server.js';
import { MessageStore } from './message-store.js';
import { embeddedObjectReader, s3ClientObjectReader, type ObjectReader } from './object-reader.js';
import { assertValidOrganisation } from './organisation.js';
import type { LambdaFunction } from './run-lambda.js';
import { InMemoryS3 } from './s3-server.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** The organisation's Region. Default `us-east-1`. */
  region?: string;
  /** The bucket created for updated messages. Default `wmflow-local`. */
  bucket?: string;
  /** Create the bucket versioned (PutObject then returns version ids). */
  versionedBucket?: boolean;
  /**
   * Use this S3-compatible endpoint instead of the embedded S3 (path-style). The emulator then
   * reads updated content with an S3 client against it, and creates the bucket if needed.
   */
  s3Endpoint?: string;
  /** Credentials for that endpoint. Default: {@link Emulator.credentials}. */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * The most bytes the embedded S3 holds (all buckets and versions); a PutObject past it answers
   * 507 `InsufficientStorage`. `Infinity` lifts the cap. Ignored with {@link EmulatorOptions.s3Endpoint}.
   * @default 536870912 (512 MiB)
   */
  s3MaxTotalBytes?: number;
  /** Fixed ports (default: free ones). Always bound to 127.0.0.1. */
  messageFlowPort?: number;
  s3Port?: number;
  /**
   * WorkMail's checks of updated content. Default: wmflow's own (lib/workmail/content-checks.ts,
   * error-severity problems only).
   */
  validateContent?: ContentValidator;
  /** The organisation's mail domains. Default `['example.com']`. */
  orgDomains?: string[];
  /** Email flow rules. Default {@link defaultFlowRules}: a synchronous Run Lambda rule each way for everyone. */
  flowRules?: EmailFlowRule[];
  /** The Lambda Run Lambda rules invoke. */
  lambda?: LambdaFunction;
  /** WorkMail's 15-second answer limit (lower it to test a hanging Lambda quickly). */
  answerLimitMs?: number;
  functionTimeoutMs?: number;
  /** Time for retries and answer limits (default: a skipping clock per delivery). */
  clock?: Clock;
  /** The credentials clients are told to use (any are accepted). Default `test`/`test`. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
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
  /** The organisation deliveries go through (domains and rules can be changed between deliveries). */
  organisation: OrganisationOptions;
  /**
   * Environment variables that point the AWS SDK, the AWS CLI and the wmflow handler at the
   * emulator (`AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW`, `AWS_ENDPOINT_URL_S3`, `AWS_REGION`, keys…).
   */
  env: Record<string, string>;
  /** Delivers a message through the organisation (direction given in the request). */
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
  /** Inbound mail arriving from outside. */
  receive(request: Omit<DeliveryRequest, 'direction'>): Promise<DeliveryOutcome>;
  /** Outbound mail a user of the organisation sends. */
  submit(request: Omit<DeliveryRequest, 'direction'>): Promise<DeliveryOutcome>;
  /** Stops both servers. */
  close(): Promise<void>;
}

/** The default organisation: a synchronous Run Lambda rule each way for everyone (fallback DEFAULT, 5-minute rule timeout). */
export function defaultFlowRules(): EmailFlowRule[] {
  return [
    { name: 'wmflow-inbound', direction: 'INBOUND', senders: ['*'], action: 'RUN_LAMBDA', lambda: { fallback: 'DEFAULT', ruleTimeoutMinutes: 5 } },
    {
      name: 'wmflow-outbound',
      direction: 'OUTBOUND',
      senders: ['*'],
      recipients: ['*'],
      action: 'RUN_LAMBDA',
      lambda: { fallback: 'DEFAULT', ruleTimeoutMinutes: 5 },
    },
  ];
}

/** wmflow's own content checks as a {@link ContentValidator}: the error-severity problems. */
export const wmflowContentValidator: ContentValidator = async (original, updated) =>
  (await checkUpdatedContent(original, updated)).filter((p) => p.severity === 'error').map((p) => p.message);

/**
 * Starts a local WorkMail: the Message Flow API and an S3 server on free loopback ports (or an
 * S3 endpoint of your choosing), the bucket, and the organisation around the Lambda. Nothing
 * listens beyond 127.0.0.1.
 *
 * @throws {EmulatorError} `EMULATOR_CONFIG_INVALID` for flow rules WorkMail would refuse or an
 *   external S3 endpoint where the bucket cannot be created.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1';
  const bucket = options.bucket ?? 'wmflow-local';
  const credentials = options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  const organisation: OrganisationOptions = {
    domains: options.orgDomains ?? ['example.com'],
    rules: options.flowRules ?? defaultFlowRules(),
    lambda: options.lambda,
    answerLimitMs: options.answerLimitMs,
    functionTimeoutMs: options.functionTimeoutMs,
    clock: options.clock,
  };
  assertValidOrganisation(organisation);
  const store = new MessageStore();

  let s3: InMemoryS3 | undefined;
  let s3Endpoint: string;
  let readObject: ObjectReader;
  let closeS3 = async (): Promise<void> => undefined;
  if (options.s3Endpoint) {
    s3Endpoint = options.s3Endpoint;
    const client = new S3Client({ region, endpoint: s3Endpoint, forcePathStyle: true, credentials: options.s3Credentials ?? credentials, maxAttempts: 2 });
    await ensureBucket(client, s3Endpoint, bucket, region, options.versionedBucket ?? false);
    readObject = s3ClientObjectReader(client, region);
    closeS3 = async () => client.destroy();
  } else {
    s3 = new InMemoryS3(region, { maxTotalBytes: options.s3MaxTotalBytes });
    s3.createBucket(bucket, { versioned: options.versionedBucket ?? false });
    const server = await s3.listen(options.s3Port);
    s3Endpoint = server.url;
    closeS3 = server.close;
    readObject = embeddedObjectReader(s3);
  }

  let api: Awaited<ReturnType<typeof startMessageFlowServer>>;
  try {
    api = await startMessageFlowServer({
      store,
      region,
      readObject,
      validateContent: options.validateContent ?? wmflowContentValidator,
      port: options.messageFlowPort,
    });
  } catch (err) {
    await closeS3();
    throw err;
  }
  return {
    region,
    bucket,
    messageFlowEndpoint: api.url,
    s3Endpoint,
    credentials,
    store,
    s3,
    organisation,
    env: {
      AWS_ENDPOINT_URL_WORKMAILMESSAGEFLOW: api.url,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      WMFLOW_BUCKET: bucket,
      WMFLOW_S3_FORCE_PATH_STYLE: 'true',
    },
    deliver: (request) => deliver(store, organisation, request),
    receive: (request) => deliver(store, organisation, { ...request, direction: 'INBOUND' }),
    submit: (request) => deliver(store, organisation, { ...request, direction: 'OUTBOUND' }),
    close: async () => {
      await api.close();
      await closeS3();
    },
  };
}

/** Creates the bucket on an external endpoint unless it is there already. */
async function ensureBucket(client: S3Client, endpoint: string, bucket: string, region: string, versioned: boolean): Promise<void> {
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
      client.destroy();
      throw new EmulatorError('EMULATOR_CONFIG_INVALID', `cannot create bucket "${bucket}" on ${endpoint}: ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!versioned) return;
  try {
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  } catch (err) {
    client.destroy();
    throw new EmulatorError('EMULATOR_CONFIG_INVALID', `cannot turn on versioning of bucket "${bucket}" on ${endpoint}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
