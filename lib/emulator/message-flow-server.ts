import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WmflowError } from '../errors.js';
import { S3_REFERENCE } from '../workmail/limits.js';
import { BodyTooLargeError, listenLoopback, readBody, streamBytes, type LoopbackServer } from './http.js';
import { readableContent, type MessageFlowOperation, type MessageStore } from './message-store.js';
import type { ObjectReader } from './object-reader.js';

/**
 * Checks updated content as WorkMail does before accepting it: the problems found, each a short
 * sentence (empty: accepted). Injected, so the emulator runs with the same checks the project
 * ships (lib/workmail/content-checks.ts) or with a test's own.
 */
export type ContentValidator = (original: Buffer, updated: Buffer) => string[] | Promise<string[]>;

/** Options of {@link startMessageFlowServer}. */
export interface MessageFlowServerOptions {
  store: MessageStore;
  /** The emulated organisation's Region: requests must be signed for it, buckets must be in it. */
  region: string;
  /** How WorkMail reads the object PutRawMessageContent names. */
  readObject: ObjectReader;
  /** WorkMail's content checks; a non-empty answer is a MessageRejected listing the problems. */
  validateContent: ContentValidator;
  /** Default 0: a free port. Always on 127.0.0.1. */
  port?: number | undefined;
}

/** An error answer of the API: HTTP status, the error type the SDK raises, and our message. */
export class MessageFlowApiError extends WmflowError {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super('EMULATOR_API_ERROR', message);
  }
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=[^,\s]+,\s*Signature=[0-9a-f]{64}$/;

/**
 * The Amazon WorkMail Message Flow API (REST-JSON, service `workmailmessageflow`), as
 * `@aws-sdk/client-workmailmessageflow` and `aws workmailmessageflow --endpoint-url` call it.
 *
 * - `GET /messages/{messageId}` streams the raw message (the updated content once a
 *   PutRawMessageContent was accepted).
 * - `POST /messages/{messageId}` with `{"content":{"s3Reference":{bucket,key,objectVersion?}}}`
 *   reads the object as WorkMail would, validates it, and answers `{}`. The update is delivered
 *   only when made during a synchronous Run Lambda invocation; on a delivered or sent message
 *   the delivered copy stays as it is, though GetRawMessageContent returns the update.
 *
 * Errors carry `x-amzn-errortype` and `{"message":…}`, so the SDK raises
 * `ResourceNotFoundException` (404), `MessageFrozen`, `MessageRejected`,
 * `InvalidContentLocation`, `ValidationException`, `ThrottlingException` (400),
 * `InternalFailure` (500), `ServiceUnavailable` (503) with `.name` the type and `.message` ours.
 *
 * Signatures are not verified, but a request must carry a SigV4 Authorization header scoped
 * to this Region and service, as a real endpoint insists.
 */
export async function startMessageFlowServer(options: MessageFlowServerOptions): Promise<LoopbackServer> {
  const { store } = options;

  return listenLoopback(async (req, res) => {
    const requestId = randomUUID();
    let operation: MessageFlowOperation | 'Unknown' = 'Unknown';
    let messageId: string | undefined;
    try {
      ({ operation, messageId } = await handle(req, res, requestId));
      store.calls.push({ operation, messageId, status: 200, at: store.now() });
    } catch (err) {
      const e = toApiError(err);
      const match = /^\/messages\/([^/?]*)/.exec(req.url ?? '');
      if (operation === 'Unknown' && match) operation = req.method === 'POST' ? 'PutRawMessageContent' : 'GetRawMessageContent';
      store.calls.push({
        operation,
        messageId: messageId ?? (match ? safeDecode(match[1]!) : undefined),
        status: e.status,
        errorType: e.errorType,
        at: store.now(),
      });
      // Let the client finish sending before it reads the answer.
      req.resume();
      const body = JSON.stringify({ message: e.message });
      res.writeHead(e.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-amzn-errortype': e.errorType,
        'x-amzn-requestid': requestId,
      });
      res.end(body);
    }
  }, options.port);

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<{ operation: MessageFlowOperation; messageId: string }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/messages\/([^/]*)$/.exec(url.pathname);
    const operation: MessageFlowOperation | undefined = !match
      ? undefined
      : req.method === 'GET'
        ? 'GetRawMessageContent'
        : req.method === 'POST'
          ? 'PutRawMessageContent'
          : undefined;
    if (!match || !operation)
      throw new MessageFlowApiError(
        404,
        'UnknownOperationException',
        `No operation at ${req.method} ${url.pathname}: the Message Flow API has GET and POST /messages/{messageId}`,
      );
    checkSignature(req);

    const fault = store.takeFault(operation);
    if (fault) throw new MessageFlowApiError(fault.status, fault.type, `${fault.message} (fault injected by the wmflow emulator)`);

    const messageId = safeDecode(match[1]!);
    if (operation === 'GetRawMessageContent') {
      const violations = messageIdViolations(messageId);
      if (violations.length) throw validationError(violations);
      const message = find(messageId);
      const bytes = readableContent(message);
      res.writeHead(200, { 'content-type': 'message/rfc822', 'content-length': String(bytes.length), 'x-amzn-requestid': requestId });
      // Streamed with backpressure, not as one write; a client gone mid-message just stops it.
      await streamBytes(res, bytes);
      return { operation, messageId };
    }

    const input = await readJson(req);
    const ref = (input?.content as { s3Reference?: Record<string, unknown> } | undefined)?.s3Reference;
    const violations = [...messageIdViolations(messageId), ...s3ReferenceViolations(input)];
    if (violations.length) throw validationError(violations);
    const location = { bucket: ref!.bucket as string, key: ref!.key as string, objectVersion: ref!.objectVersion as string | undefined };

    const message = find(messageId);
    if (message.redirected) {
      throw new MessageFlowApiError(400, 'MessageFrozen', `Message ${messageId} is frozen: it was redirected, and a redirected message cannot be updated`);
    }
    const shown = `s3://${location.bucket}/${location.key}${location.objectVersion ? ` (version ${location.objectVersion})` : ''}`;
    const object = await options.readObject(location.bucket, location.key, location.objectVersion);
    if ('error' in object) {
      const where =
        object.region && object.region !== options.region
          ? ` The bucket is in ${object.region}; WorkMail reads only from buckets in its own Region (${options.region}).`
          : '';
      throw new MessageFlowApiError(
        400,
        'InvalidContentLocation',
        `WorkMail cannot read the updated content at ${shown} (${object.error}).${where} The object must exist in a bucket in ${options.region} owned by the organisation's account, whose bucket policy lets workmail.${options.region}.amazonaws.com s3:GetObject and s3:GetObjectVersion.`,
      );
    }
    if (object.region !== options.region) {
      throw new MessageFlowApiError(
        400,
        'InvalidContentLocation',
        `WorkMail cannot read the updated content at ${shown}: the bucket is in ${object.region}, but the organisation is in ${options.region}; WorkMail reads updated content only from buckets in its own Region.`,
      );
    }
    let problems: string[];
    try {
      problems = await options.validateContent(message.bytes, object.body);
    } catch (err) {
      throw new MessageFlowApiError(500, 'InternalFailure', `the emulator's content validator failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (problems.length) {
      throw new MessageFlowApiError(400, 'MessageRejected', `The updated content of message ${messageId} was rejected: ${problems.join('; ')}`);
    }
    if (message.acceptsUpdates) {
      message.updated = object.body;
      message.updatedFrom = location;
      delete message.lateUpdate;
      delete message.lateUpdateFrom;
    } else {
      // Delivered or sent: the call succeeds, the delivered message stays as it is, and only
      // what GetRawMessageContent returns changes (as the API reference describes).
      message.lateUpdate = object.body;
      message.lateUpdateFrom = location;
    }
    const ok = '{}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2', 'x-amzn-requestid': requestId });
    res.end(ok);
    return { operation, messageId };
  }

  function find(messageId: string) {
    const found = store.lookup(messageId);
    if ('message' in found) return found.message;
    throw new MessageFlowApiError(
      404,
      'ResourceNotFoundException',
      found.missing === 'expired'
        ? `Message ${messageId} is no longer available: messages can be read and updated only within 24 hours of arrival`
        : `Message ${messageId} not found: no message in transit has this id`,
    );
  }

  /** A SigV4 Authorization header for this Region and service (the signature itself is not checked). */
  function checkSignature(req: IncomingMessage): void {
    const auth = req.headers.authorization;
    if (!auth) throw new MessageFlowApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const m = SIGV4.exec(auth);
    if (!m) {
      throw new MessageFlowApiError(
        403,
        'IncompleteSignatureException',
        `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' in AWS4-HMAC-SHA256 form`,
      );
    }
    const [, , , region, service] = m;
    if (region !== options.region)
      throw new MessageFlowApiError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region: this endpoint is ${options.region}, not '${region}'.`,
      );
    if (service !== 'workmailmessageflow')
      throw new MessageFlowApiError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to correct service: 'workmailmessageflow', not '${service}'.`,
      );
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function toApiError(err: unknown): MessageFlowApiError {
  if (err instanceof MessageFlowApiError) return err;
  if (err instanceof BodyTooLargeError) return new MessageFlowApiError(413, 'RequestEntityTooLargeException', err.message);
  return new MessageFlowApiError(500, 'InternalFailure', `emulator bug: ${err instanceof Error ? err.message : String(err)}`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const text = (await readBody(req, 1024 * 1024)).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new MessageFlowApiError(400, 'SerializationException', 'The request body is not a JSON object');
  }
}

/** One violation in the `Value … at '…' failed to satisfy constraint: …` form AWS uses. */
function violation(value: unknown, at: string, constraint: string): string {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return `Value ${shown} at '${at}' failed to satisfy constraint: ${constraint}`;
}

function lengthViolation(value: string, at: string, min: number, max: number): string | undefined {
  if (value.length < min) return violation(value, at, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) return violation(value, at, `Member must have length less than or equal to ${max}`);
  return undefined;
}

function messageIdViolations(messageId: string): string[] {
  const out: string[] = [];
  const len = lengthViolation(messageId, 'messageId', 1, 120);
  if (len) out.push(len);
  if (!/^[a-z0-9-]*$/.test(messageId)) out.push(violation(messageId, 'messageId', 'Member must satisfy regular expression pattern: [a-z0-9\\-]*'));
  return out;
}

/**
 * Violations of the S3Reference constraints. Like the real service, a bad pattern is a
 * `ValidationException` from request validation, before WorkMail looks at the message or S3.
 */
function s3ReferenceViolations(input: Record<string, unknown> | undefined): string[] {
  const content = input?.content as Record<string, unknown> | undefined;
  if (!content || typeof content !== 'object') return [violation(undefined, 'content', 'Member must not be null')];
  const ref = content.s3Reference as Record<string, unknown> | undefined;
  if (!ref || typeof ref !== 'object') return [violation(undefined, 'content.s3Reference', 'Member must not be null')];
  const out: string[] = [];
  for (const field of ['bucket', 'key'] as const) {
    const at = `content.s3Reference.${field}`;
    const value = ref[field];
    const rule = S3_REFERENCE[field];
    if (typeof value !== 'string') {
      out.push(violation(value, at, 'Member must not be null'));
      continue;
    }
    const len = lengthViolation(value, at, rule.min, rule.max);
    if (len) out.push(len);
    if (!rule.pattern.test(value)) out.push(violation(value, at, `Member must satisfy regular expression pattern: ${rule.shown}`));
  }
  if (ref.objectVersion !== undefined && ref.objectVersion !== null) {
    const at = 'content.s3Reference.objectVersion';
    if (typeof ref.objectVersion !== 'string') out.push(violation(ref.objectVersion, at, 'Member must be a string'));
    else {
      const len = lengthViolation(ref.objectVersion, at, S3_REFERENCE.objectVersion.min, S3_REFERENCE.objectVersion.max);
      if (len) out.push(len);
    }
  }
  return out;
}

function validationError(violations: string[]): MessageFlowApiError {
  const n = violations.length;
  return new MessageFlowApiError(400, 'ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}
