import { ANSWER_LIMIT_MS } from '../workmail/limits.js';

/** WorkMail waits at most this long for a synchronous Lambda's answer. */
export const WORKMAIL_ANSWER_LIMIT_MS = ANSWER_LIMIT_MS;

/** Kept in reserve to build the answer, flush logs and metrics, and return. */
export const DEFAULT_SAFETY_MARGIN_MS = 1_500;

/**
 * The time the pipeline may work: until WorkMail's 15-second limit or the Lambda's own
 * timeout, whichever comes first, less a safety margin. Its signal aborts in-flight calls.
 */
export class Deadline {
  private readonly endsAt: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(options: { remainingLambdaMs?: number; safetyMarginMs?: number; now?: number } = {}) {
    const now = options.now ?? Date.now();
    const budget =
      Math.min(options.remainingLambdaMs ?? WORKMAIL_ANSWER_LIMIT_MS, WORKMAIL_ANSWER_LIMIT_MS) - (options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS);
    this.endsAt = now + Math.max(0, budget);
    this.timer = setTimeout(() => this.controller.abort(new Error('deadline reached')), Math.max(0, budget));
    this.timer.unref();
  }

  /** Milliseconds left. */
  remaining(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  /** Aborted when the time is up. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.signal.aborted || this.remaining() === 0;
  }

  /** Releases the timer. */
  dispose(): void {
    clearTimeout(this.timer);
  }
}
