/**
 * Time as the emulator sees it. WorkMail's waits are long (retries with backoff for up to 240
 * minutes); the default clock skips them instead of sleeping, so a replay or a test takes
 * milliseconds while every timestamp and budget still adds up as it would in production.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms` (or pretends to). */
  sleep(ms: number): Promise<void>;
}

/** Real time: `sleep` really waits. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Real time plus every wait skipped so far: `sleep(ms)` returns at once (after yielding to the
 * event loop) and moves `now()` forward by `ms`. A Lambda under test can `await clock.sleep(16_000)`
 * to answer "16 seconds later" without the test waiting.
 */
export class SkippingClock implements Clock {
  private skippedMs = 0;
  /** Every wait requested, in order (tests assert backoff schedules with it). */
  readonly sleeps: number[] = [];
  private readonly frozenAt: number | undefined;

  /**
   * @param options.frozen when true, time moves only by skipped waits (the real time spent
   *   computing is not counted), so durations are exact and repeatable (default false).
   */
  constructor(options: { frozen?: boolean } = {}) {
    this.frozenAt = options.frozen ? Date.now() : undefined;
  }

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.skippedMs;
  }

  async sleep(ms: number): Promise<void> {
    const wait = Math.max(0, ms);
    this.sleeps.push(wait);
    this.skippedMs += wait;
    // Let other work (sockets, timers) run as it would during a real wait.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Moves time forward without recording a wait. */
  advance(ms: number): void {
    this.skippedMs += Math.max(0, ms);
  }
}
