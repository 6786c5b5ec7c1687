import { WmflowError } from '../errors.js';

/** Where the updated message was put for WorkMail to read. */
export interface ObjectLocation {
  bucket: string;
  key: string;
  /** Set when the bucket is versioned. */
  versionId?: string | undefined;
}

/** The Message Flow API, as the pipeline needs it (implemented over the SDK in lib/aws). */
export interface MessageFlowPort {
  /** The raw bytes of an in-transit message. */
  getRawMessage(messageId: string, signal: AbortSignal): Promise<Buffer>;
  /** Points WorkMail at updated content. */
  putRawMessage(messageId: string, location: ObjectLocation, signal: AbortSignal): Promise<void>;
}

/** The bucket updated messages go to. */
export interface ObjectStorePort {
  put(bucket: string, key: string, body: Buffer, signal: AbortSignal): Promise<{ versionId?: string | undefined }>;
}

/** How a call to AWS failed, as the pipeline decides on it. */
export type ServiceFailureKind =
  | 'message-frozen'
  | 'message-rejected'
  | 'not-found'
  | 'invalid-content-location'
  | 'throttled'
  | 'unavailable'
  | 'aborted'
  | 'other';

/** A failed AWS call, classified. Ports throw only this. */
export class ServiceError extends WmflowError {
  readonly kind: ServiceFailureKind;
  /** The service's own error name (`MessageRejected`, `ThrottlingException`, …). */
  readonly serviceCode: string;

  constructor(kind: ServiceFailureKind, serviceCode: string, message: string, options?: { cause?: unknown }) {
    super(`AWS_${kind.toUpperCase().replace(/-/g, '_')}`, message, options);
    this.kind = kind;
    this.serviceCode = serviceCode;
  }

  /** Throttling and 5xx are worth another try; everything else will fail the same way again. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable';
  }
}
