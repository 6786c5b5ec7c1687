import { randomUUID } from 'node:crypto';
import type { FlowDirection } from '../rules/delivery.js';
import { MESSAGE_ID_PATTERN } from '../workmail/limits.js';
import { EmulatorError } from './errors.js';

/** Where an accepted update was read from. */
export interface ContentLocation {
  bucket: string;
  key: string;
  objectVersion?: string | undefined;
}

/** An in-transit message the emulated WorkMail holds. */
export interface InTransitMessage {
  id: string;
  /** The message as received: what updates are checked against. */
  bytes: Buffer;
  direction: FlowDirection;
  receivedAt: Date;
  /** A redirected message: WorkMail refuses updates with MessageFrozen. */
  redirected: boolean;
  /**
   * Whether a PutRawMessageContent now takes effect. WorkMail applies updates only while a
   * synchronous Run Lambda rule is deciding; on a delivered or sent message the call succeeds
   * and the message stays as it was (see {@link InTransitMessage.lateUpdate}).
   */
  acceptsUpdates: boolean;
  /** The content after the last PutRawMessageContent that took effect: what is delivered. */
  updated?: Buffer;
  updatedFrom?: ContentLocation;
  /**
   * Content a PutRawMessageContent accepted when updates no longer took effect (the message was
   * delivered or sent). The delivered message keeps `updated` (or the original), but
   * GetRawMessageContent returns this from then on: the API reference says "the message remains
   * unchanged, even though GetRawMessageContent returns an updated message".
   */
  lateUpdate?: Buffer;
  lateUpdateFrom?: ContentLocation;
}

/** The content WorkMail delivers (or sent): the last update made in time, else the original. */
export function deliveredContent(message: InTransitMessage): Buffer {
  return message.updated ?? message.bytes;
}

/** What GetRawMessageContent returns for a message: the last content a PutRawMessageContent accepted, else the original. */
export function readableContent(message: InTransitMessage): Buffer {
  return message.lateUpdate ?? message.updated ?? message.bytes;
}

/** The two operations of the Message Flow API. */
export type MessageFlowOperation = 'GetRawMessageContent' | 'PutRawMessageContent';

/** Transient failures the real service answers with, by their error type. */
export type InjectedFaultType = 'ThrottlingException' | 'ServiceUnavailable' | 'InternalFailure';

/** An error the next matching API call answers with. */
export interface Fault {
  /** The error type the SDK raises (`x-amzn-errortype`). */
  type: string;
  status: number;
  message: string;
}

/** Status and message of the standard faults (throttling is a 400 in AWS JSON services). */
export const STANDARD_FAULTS: Readonly<Record<InjectedFaultType, Omit<Fault, 'type'>>> = {
  ThrottlingException: { status: 400, message: 'Rate exceeded' },
  ServiceUnavailable: { status: 503, message: 'The service is unavailable. Please try again later.' },
  InternalFailure: { status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.' },
};

interface QueuedFault extends Fault {
  remaining: number;
  operation: MessageFlowOperation | undefined;
}

/** One call the Message Flow API answered (for tests that count retries). */
export interface ApiCallRecord {
  operation: MessageFlowOperation | 'Unknown';
  messageId: string | undefined;
  status: number;
  /** The error type, when the call failed. */
  errorType?: string;
  at: Date;
}

/** Messages are readable for 24 hours, as in WorkMail. */
export const MESSAGE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Options of {@link MessageStore.add}. */
export interface AddMessageOptions {
  /** Default: a fresh UUID, the form WorkMail uses. */
  id?: string | undefined;
  direction?: FlowDirection | undefined;
  redirected?: boolean | undefined;
  receivedAt?: Date | undefined;
  /** Default true, so a message added by hand can be updated as from a Lambda. */
  acceptsUpdates?: boolean | undefined;
}

/**
 * The emulator's in-transit messages by id, the faults to inject into the next API calls, and a
 * log of the calls answered.
 */
export class MessageStore {
  private readonly messages = new Map<string, InTransitMessage>();
  private readonly faults: QueuedFault[] = [];
  /** Every API call answered, oldest first. */
  readonly calls: ApiCallRecord[] = [];
  /** The clock; tests replace it to expire messages. */
  now: () => Date = () => new Date();

  /**
   * Adds a message.
   * @throws {EmulatorError} `EMULATOR_REQUEST_INVALID` for an id the API could never be called with.
   */
  add(bytes: Buffer, options: AddMessageOptions = {}): InTransitMessage {
    const id = options.id ?? randomUUID();
    if (!MESSAGE_ID_PATTERN.test(id)) {
      throw new EmulatorError('EMULATOR_REQUEST_INVALID', `message id "${id}" must be 1-120 characters of [a-z0-9-], as WorkMail's are`);
    }
    const message: InTransitMessage = {
      id,
      bytes,
      direction: options.direction ?? 'INBOUND',
      receivedAt: options.receivedAt ?? this.now(),
      redirected: options.redirected ?? false,
      acceptsUpdates: options.acceptsUpdates ?? true,
    };
    this.messages.set(id, message);
    return message;
  }

  /** The message if it exists and is at most 24 hours old. */
  get(id: string): InTransitMessage | undefined {
    const found = this.lookup(id);
    return 'message' in found ? found.message : undefined;
  }

  /** The message, or why the API would not find it. */
  lookup(id: string): { message: InTransitMessage } | { missing: 'unknown' | 'expired' } {
    const message = this.messages.get(id);
    if (!message) return { missing: 'unknown' };
    if (this.now().getTime() - message.receivedAt.getTime() > MESSAGE_RETENTION_MS) return { missing: 'expired' };
    return { message };
  }

  /** Ids of every message held, expired ones included. */
  ids(): string[] {
    return [...this.messages.keys()];
  }

  delete(id: string): boolean {
    return this.messages.delete(id);
  }

  /**
   * Makes the next `times` calls (of `operation`, or any) fail with this fault before doing
   * anything else, as a throttled or failing service would.
   */
  injectFault(fault: InjectedFaultType | Fault, options: { times?: number; operation?: MessageFlowOperation } = {}): void {
    const spec: Fault = typeof fault === 'string' ? { type: fault, ...STANDARD_FAULTS[fault] } : fault;
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new EmulatorError('EMULATOR_CONFIG_INVALID', `fault count must be a positive integer, not ${times}`);
    this.faults.push({ ...spec, remaining: times, operation: options.operation });
  }

  /** Makes the next calls fail with these faults, one call each, in order. */
  injectFaults(...faults: InjectedFaultType[]): void {
    for (const f of faults) this.injectFault(f);
  }

  /** Drops every queued fault. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Faults still queued (counting repeats). */
  get pendingFaults(): number {
    return this.faults.reduce((n, f) => n + f.remaining, 0);
  }

  /** Consumes the first queued fault that applies to this operation, if any. */
  takeFault(operation: MessageFlowOperation): Fault | undefined {
    const i = this.faults.findIndex((f) => f.operation === undefined || f.operation === operation);
    const queued = this.faults[i];
    if (!queued) return undefined;
    queued.remaining--;
    if (queued.remaining === 0) this.faults.splice(i, 1);
    return { type: queued.type, status: queued.status, message: queued.message };
  }
}
