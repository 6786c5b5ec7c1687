import type { IncomingMessage, ServerResponse } from 'node:http';
import { MESSAGE_ID_PATTERN } from '../workmail/event.js';
import { listenLoopback, readBody, type LoopbackServer } from './http.js';
import type { MessageStore } from './message-store.js';

/** Reads an object WorkMail was pointed at, as WorkMail would (with its permissions). */
export type ObjectReader = (bucket: string, key: string, versionId: string | undefined) => Promise<{ body: Buffer; region: string } | { error: string }>;

/** Checks updated content; returns the problems (empty: accepted). */
export type ContentValidator = (original: Buffer, updated: Buffer) => string[] | Promise<string[]>;

/** Options of {@link startMessageFlowServer}. */
export interface MessageFlowServerOptions {
  store: MessageStore;
  /** The emulated WorkMail organisation's Region. */
  region: string;
  readObject: ObjectReader;
  validateContent: ContentValidator;
  port?: number;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{2,62}$/;
const KEY = /^[a-zA-Z0-9\-/]{1,1024}$/;

/** An error the API answers with: status, the type the SDK raises, and a message. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The Amazon WorkMail Message Flow API (REST-JSON), as `@aws-sdk/client-workmailmessageflow`
 * and `aws workmailmessageflow --endpoint-url` call it:
 * `GET /messages/{messageId}` streams the raw message; `POST /messages/{messageId}` takes
 * `{"content":{"s3Reference":{…}}}`, reads the object and validates it as WorkMail does.
 * Errors carry `x-amzn-errortype`, so the SDK raises `ResourceNotFoundException`,
 * `MessageRejected`, `MessageFrozen`, `InvalidContentLocation`, `ThrottlingException`….
 * Signatures are not verified, but a request must be signed (have an Authorization header).
 */
export async function startMessageFlowServer(options: MessageFlowServerOptions): Promise<LoopbackServer> {
  const { store } = options;
  return listenLoopback(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      await route(req, res);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, 'InternalFailure', err instanceof Error ? err.message : String(err));
      res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.type, 'x-amzn-requestid': crypto.randomUUID() });
      res.end(JSON.stringify({ message: e.message }));
    }
  }, options.port);

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/messages\/([^/]+)$/.exec(url.pathname);
    if (!match) throw new ApiError(404, 'UnknownOperationException', `no operation at ${req.method} ${url.pathname}`);
    if (!req.headers.authorization) throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const fault = store.takeFault();
    if (fault === 'ThrottlingException') throw new ApiError(400, 'ThrottlingException', 'Rate exceeded (injected by the emulator)');
    if (fault) throw new ApiError(fault === 'ServiceUnavailable' ? 503 : 500, fault, `${fault} (injected by the emulator)`);

    const messageId = decodeURIComponent(match[1]!);
    if (!MESSAGE_ID_PATTERN.test(messageId)) {
      throw new ApiError(400, 'ValidationException', `1 validation error detected: Value '${messageId}' at 'messageId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9\\-]*`);
    }
    const message = store.get(messageId);
    if (!message) throw new ApiError(404, 'ResourceNotFoundException', `Message ${messageId} not found (messages can be read for 24 hours after they arrive)`);

    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(message.bytes.length) });
      res.end(message.bytes);
      return;
    }
    if (req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowedException', `${req.method} is not supported`);

    let input: { content?: { s3Reference?: { bucket?: unknown; key?: unknown; objectVersion?: unknown } } };
    try {
      input = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
    } catch {
      throw new ApiError(400, 'SerializationException', 'the request body is not valid JSON');
    }
    const ref = input.content?.s3Reference;
    if (!ref || typeof ref.bucket !== 'string' || typeof ref.key !== 'string') {
      throw new ApiError(400, 'ValidationException', 'content.s3Reference with bucket and key is required');
    }
    const problems: string[] = [];
    if (!BUCKET.test(ref.bucket)) problems.push(`Value '${ref.bucket}' at 'content.s3Reference.bucket' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9][a-z0-9\\-]*`);
    if (!KEY.test(ref.key)) problems.push(`Value '${ref.key}' at 'content.s3Reference.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9\\-/]*`);
    if (ref.objectVersion !== undefined && (typeof ref.objectVersion !== 'string' || !ref.objectVersion.length || ref.objectVersion.length > 1024)) {
      problems.push(`Value at 'content.s3Reference.objectVersion' failed to satisfy constraint: Member must have length between 1 and 1024`);
    }
    if (problems.length) throw new ApiError(400, 'ValidationException', `${problems.length} validation error(s) detected: ${problems.join('; ')}`);
    if (message.redirected) throw new ApiError(400, 'MessageFrozen', `Message ${messageId} is not eligible for update (it was redirected)`);

    const object = await options.readObject(ref.bucket, ref.key, ref.objectVersion as string | undefined);
    if ('error' in object) {
      throw new ApiError(400, 'InvalidContentLocation', `WorkMail could not read s3://${ref.bucket}/${ref.key}: ${object.error}. Check that the object exists, the bucket is in ${options.region} and the same account, and its policy allows workmail.${options.region}.amazonaws.com`);
    }
    if (object.region !== options.region) {
      throw new ApiError(400, 'InvalidContentLocation', `bucket ${ref.bucket} is in ${object.region}; WorkMail in ${options.region} can only read buckets in its own Region`);
    }
    const rejected = await options.validateContent(message.bytes, object.body);
    if (rejected.length) throw new ApiError(400, 'MessageRejected', `Invalid content: ${rejected.join('; ')}`);
    message.updated = object.body;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }
}
