import { randomUUID } from 'node:crypto';
import type { FlowDirection } from '../workmail/event.js';

/** An in-transit message the emulated WorkMail holds. */
export interface InTransitMessage {
  id: string;
  bytes: Buffer;
  direction: FlowDirection;
  receivedAt: Date;
  /** A redirected message: WorkMail refuses updates with MessageFrozen. */
  redirected: boolean;
  /** The content after a successful PutRawMessageContent. */
  updated?: Buffer;
}

/** Faults to inject into the next API calls (for retry tests against real HTTP). */
export type InjectedFault = 'ThrottlingException' | 'ServiceUnavailable' | 'InternalFailure';

/** Messages are readable for 24 hours, as in WorkMail. */
export const MESSAGE_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The emulator's in-transit messages, by id. */
export class MessageStore {
  private readonly messages = new Map<string, InTransitMessage>();
  private readonly faults: InjectedFault[] = [];
  /** The clock; tests move it to expire messages. */
  now: () => Date = () => new Date();

  /** Adds a message; the id defaults to a fresh UUID (the form WorkMail uses). */
  add(bytes: Buffer, options: { id?: string; direction?: FlowDirection; redirected?: boolean; receivedAt?: Date } = {}): InTransitMessage {
    const message: InTransitMessage = {
      id: options.id ?? randomUUID(),
      bytes,
      direction: options.direction ?? 'INBOUND',
      receivedAt: options.receivedAt ?? this.now(),
      redirected: options.redirected ?? false,
    };
    this.messages.set(message.id, message);
    return message;
  }

  /** The message if it exists and is less than 24 hours old. */
  get(id: string): InTransitMessage | undefined {
    const m = this.messages.get(id);
    if (!m || this.now().getTime() - m.receivedAt.getTime() > MESSAGE_RETENTION_MS) return undefined;
    return m;
  }

  /** Makes the next calls fail with these errors, one each. */
  injectFaults(...faults: InjectedFault[]): void {
    this.faults.push(...faults);
  }

  /** The next injected fault, if any. */
  takeFault(): InjectedFault | undefined {
    return this.faults.shift();
  }
}
