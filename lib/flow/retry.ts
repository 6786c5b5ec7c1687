import type { Deadline } from './deadline.js';
import { ServiceError } from './ports.js';

/** Options of {@link withRetry}. */
export interface RetryOptions {
  deadline: Deadline;
  /** First backoff; doubled each time with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /** Called before each retry (for logs and metrics). */
  onRetry?: (error: ServiceError, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/**
 * Retries a call on throttling and 5xx with exponential backoff and full jitter, while the
 * deadline leaves room for the wait and another try. Other errors are thrown at once.
 */
export async function withRetry<T>(call: (signal: AbortSignal) => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? 100;
  const max = options.maxDelayMs ?? 2_000;
  const attempts = options.maxAttempts ?? 6;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(options.deadline.signal);
    } catch (err) {
      if (!(err instanceof ServiceError) || !err.retryable || attempt >= attempts) throw err;
      const delay = Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1)));
      // Only wait if a retry could still finish: leave at least the wait plus 500 ms.
      if (options.deadline.remaining() < delay + 500) throw err;
      options.onRetry?.(err, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
