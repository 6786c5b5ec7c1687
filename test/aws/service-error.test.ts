import { describe, expect, it } from 'vitest';
import { toServiceError } from '../../lib/aws/service-error.js';
import { ServiceError } from '../../lib/flow/ports.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}), ...extra });

describe('toServiceError', () => {
  it.each([
    ['MessageFrozen', 400, 'message-frozen', false],
    ['MessageRejected', 400, 'message-rejected', false],
    ['ResourceNotFoundException', 404, 'not-found', false],
    ['InvalidContentLocation', 400, 'invalid-content-location', false],
    ['ThrottlingException', 400, 'throttled', true],
    ['SlowDown', 503, 'throttled', true],
    ['ServiceUnavailable', 503, 'unavailable', true],
    ['InternalFailure', 500, 'unavailable', true],
    ['SomethingNew', 502, 'unavailable', true],
    ['TooManyRequests', 429, 'throttled', true],
    ['AccessDeniedException', 403, 'other', false],
    ['AbortError', undefined, 'aborted', false],
  ] as const)('%s (HTTP %s) → %s', (name, status, kind, retryable) => {
    const e = toServiceError(sdkError(name, status), 'PutRawMessageContent');
    expect(e).toBeInstanceOf(ServiceError);
    expect([e.kind, e.retryable, e.serviceCode]).toEqual([kind, retryable, name]);
    expect(e.message).toBe(`PutRawMessageContent: ${name}${status ? ` (HTTP ${status})` : ''}: ${name} happened`);
    expect(e.code).toBe(`AWS_${kind.toUpperCase().replace(/-/g, '_')}`);
  });

  it('treats dropped connections as retryable and keeps the cause', () => {
    const cause = sdkError('Error', undefined, { code: 'ECONNRESET' });
    const e = toServiceError(cause, 'GetRawMessageContent');
    expect([e.kind, e.retryable]).toEqual(['unavailable', true]);
    expect(e.cause).toBe(cause);
  });
});
