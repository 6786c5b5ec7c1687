import { ServiceError, type ServiceFailureKind } from '../flow/ports.js';

const BY_NAME: Record<string, ServiceFailureKind> = {
  MessageFrozen: 'message-frozen',
  MessageRejected: 'message-rejected',
  ResourceNotFoundException: 'not-found',
  NoSuchKey: 'not-found',
  InvalidContentLocation: 'invalid-content-location',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  TooManyRequestsException: 'throttled',
  SlowDown: 'throttled',
  RequestLimitExceeded: 'throttled',
  ServiceUnavailable: 'unavailable',
  InternalFailure: 'unavailable',
  InternalError: 'unavailable',
  AbortError: 'aborted',
};

/** Classifies an SDK error (by name, then HTTP status, then network codes) into a {@link ServiceError}. */
export function toServiceError(err: unknown, operation: string): ServiceError {
  if (err instanceof ServiceError) return err;
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  let kind: ServiceFailureKind = BY_NAME[name] ?? 'other';
  if (kind === 'other' && status !== undefined && status >= 500) kind = 'unavailable';
  if (kind === 'other' && status === 429) kind = 'throttled';
  if (kind === 'other' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|TimeoutError)$/.test(e?.code ?? name)) kind = 'unavailable';
  return new ServiceError(kind, name, `${operation}: ${name}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`, { cause: err });
}
