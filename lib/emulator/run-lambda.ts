import { randomUUID } from 'node:crypto';
import type { MessageFlowEvent } from '../workmail/event.js';
import { RESPONSE_LIMITS } from '../workmail/limits.js';
import { responseProblems, type MessageFlowResponse, type ResponseAction } from '../workmail/response.js';
import { SkippingClock, type Clock } from './clock.js';

/** The context the emulator passes, as Lambda would (the parts a handler uses). */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  awsRequestId: string;
  functionName: string;
}

/** A Lambda handler as the emulator invokes it. */
export type LambdaFunction = (event: MessageFlowEvent, context: LambdaContext) => Promise<unknown>;

/** Options of {@link invokeSynchronously}. */
export interface InvokeOptions {
  /** The rule timeout (0–240 minutes in WorkMail) during which failed invocations are retried. */
  ruleTimeoutMinutes: number;
  /** WorkMail's answer limit: 15 s. A later answer is a failed invocation. */
  answerLimitMs?: number | undefined;
  /** The function's own timeout, reported by `getRemainingTimeInMillis` (default: the answer limit). */
  functionTimeoutMs?: number | undefined;
  functionName?: string | undefined;
  /**
   * Time for answer limits, backoff and the rule timeout. Default: a {@link SkippingClock}, so the
   * backoff waits are skipped, not slept. (A Lambda that never settles is still cut off after
   * `answerLimitMs` of real time.)
   */
  clock?: Clock | undefined;
  /** Backoff before retry `n` (1-based). Default: 1 s doubling, capped at 5 minutes. */
  backoffMs?: ((retry: number) => number) | undefined;
}

/** One invocation. */
export interface InvocationAttempt {
  awsRequestId: string;
  /** By the clock. */
  durationMs: number;
  /** Why it counts as failed; absent when it answered validly. */
  failure?: string;
}

/** How the synchronous invocation went. */
export interface InvocationResult {
  /** The valid response, or undefined when every attempt failed (the fallback then applies to all). */
  response: MessageFlowResponse | undefined;
  /** Its actions (same as `response?.actions`). */
  actions: ResponseAction[] | undefined;
  invocations: number;
  /** Why attempts failed, in order. */
  failures: string[];
  attempts: InvocationAttempt[];
}

/** The default backoff between retries: 1 s, 2 s, 4 s … capped at 5 minutes (WorkMail's own schedule is not published). */
export function defaultBackoffMs(retry: number): number {
  return Math.min(1000 * 2 ** (retry - 1), 300_000);
}

/** The key that makes two actions "the same action" for the 10-unique-actions limit. */
function actionKey(a: ResponseAction): string {
  return `${a.action.type}\u0000${a.action.parameters?.bounceMessage ?? ''}`;
}

/**
 * Splits the actions at WorkMail's limit of 10 unique actions (same type and bounce message =
 * same action): the first ten unique ones, with every repeat of them, are kept; the rest are
 * ignored and their recipients get the fallback.
 */
export function firstUniqueActions(actions: readonly ResponseAction[]): { kept: ResponseAction[]; ignored: ResponseAction[] } {
  const seen = new Set<string>();
  const kept: ResponseAction[] = [];
  const ignored: ResponseAction[] = [];
  for (const a of actions) {
    const key = actionKey(a);
    if (!seen.has(key)) {
      if (seen.size >= RESPONSE_LIMITS.maxUniqueActions) {
        ignored.push(a);
        continue;
      }
      seen.add(key);
    }
    kept.push(a);
  }
  return { kept, ignored };
}

/**
 * Invokes the Lambda as a synchronous Run Lambda rule does: a throw, an invalid response or an
 * answer after the 15-second limit is a failed invocation, retried with exponential backoff
 * while the rule timeout allows another try; the same event (same `invocationId`) every time.
 * When time runs out the result has no response and the caller applies the fallback.
 */
export async function invokeSynchronously(lambda: LambdaFunction, event: MessageFlowEvent, options: InvokeOptions): Promise<InvocationResult> {
  const clock = options.clock ?? new SkippingClock();
  const limit = options.answerLimitMs ?? RESPONSE_LIMITS.answerWithinMs;
  const functionTimeout = options.functionTimeoutMs ?? limit;
  const budgetMs = Math.max(0, options.ruleTimeoutMinutes) * 60_000;
  const backoff = options.backoffMs ?? defaultBackoffMs;
  const firstStart = clock.now();
  const attempts: InvocationAttempt[] = [];
  for (let attempt = 1; ; attempt++) {
    const started = clock.now();
    const awsRequestId = randomUUID();
    const context: LambdaContext = {
      getRemainingTimeInMillis: () => Math.max(0, functionTimeout - (clock.now() - started)),
      awsRequestId,
      functionName: options.functionName ?? 'wmflow',
    };
    let failure: string | undefined;
    let answer: unknown;
    let timer: NodeJS.Timeout | undefined;
    try {
      answer = await Promise.race([
        // A copy per attempt: a handler that mutates its event must not change the retry's.
        Promise.resolve().then(() => lambda(structuredClone(event), context)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new AnswerTimeout(limit)), limit);
        }),
      ]);
      const took = clock.now() - started;
      if (took > limit) failure = `answered after ${took} ms, over WorkMail's ${limit} ms limit`;
      else {
        const problems = responseProblems(answer, event.flowDirection);
        if (problems.length) failure = `invalid response: ${problems.join('; ')}`;
      }
    } catch (err) {
      failure = err instanceof AnswerTimeout ? err.message : `the function failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
    } finally {
      clearTimeout(timer);
    }
    attempts.push({ awsRequestId, durationMs: clock.now() - started, ...(failure ? { failure } : {}) });
    const failures = attempts.flatMap((a) => (a.failure ? [a.failure] : []));
    if (!failure) {
      const response = answer as MessageFlowResponse;
      return { response, actions: response.actions, invocations: attempt, failures, attempts };
    }
    const delay = backoff(attempt);
    if (clock.now() - firstStart + delay >= budgetMs) return { response: undefined, actions: undefined, invocations: attempt, failures, attempts };
    await clock.sleep(delay);
  }
}

class AnswerTimeout extends Error {
  constructor(limit: number) {
    super(`no answer within ${limit} ms`);
  }
}
