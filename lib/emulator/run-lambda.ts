import { ACTION_TYPES_BY_DIRECTION, RESPONSE_LIMITS, type ActionType, type ResponseAction } from '../workmail/response.js';
import type { MessageFlowEvent } from '../workmail/event.js';

/** A Lambda handler as the emulator invokes it. */
export type LambdaFunction = (
  event: MessageFlowEvent,
  context: { getRemainingTimeInMillis(): number; awsRequestId: string; functionName: string },
) => Promise<unknown>;

/** Options of {@link invokeSynchronously}. */
export interface InvokeOptions {
  /** WorkMail's answer limit (15 s); lowered in tests. */
  answerLimitMs?: number;
  /** The rule timeout, during which failed invocations are retried. */
  ruleTimeoutMinutes: number;
  /** Waits between retries; the default only advances a virtual clock, so replay never sleeps. */
  sleep?: (ms: number) => Promise<void>;
}

/** How the synchronous invocation went. */
export interface InvocationResult {
  /** Validated actions, or undefined when every attempt failed (the fallback applies). */
  actions: ResponseAction[] | undefined;
  invocations: number;
  /** Why attempts failed, in order. */
  failures: string[];
}

/**
 * Checks a response as WorkMail does. Returns the problems; an empty list means it is usable.
 * (Actions past the tenth unique one are not an error: they get the fallback.)
 */
export function responseProblems(response: unknown, direction: 'INBOUND' | 'OUTBOUND'): string[] {
  const problems: string[] = [];
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(response) ?? '');
  } catch {
    return ['the response is not JSON-serialisable'];
  }
  if (size > RESPONSE_LIMITS.maxBytes) problems.push(`the response is ${size} bytes, over 256 KB`);
  const actions = (response as { actions?: unknown })?.actions;
  if (!Array.isArray(actions)) return [...problems, 'the response has no "actions" array'];
  const allowed = ACTION_TYPES_BY_DIRECTION[direction] as readonly string[];
  let listed = 0;
  actions.forEach((a: ResponseAction, i: number) => {
    const type = a?.action?.type as string | undefined;
    if (!type || !allowed.includes(type)) problems.push(`actions[${i}]: type ${JSON.stringify(type)} is not allowed for ${direction.toLowerCase()} mail`);
    if (type === 'BOUNCE' && typeof a.action.parameters?.bounceMessage !== 'string') problems.push(`actions[${i}]: BOUNCE needs parameters.bounceMessage`);
    if (a.allRecipients !== undefined && typeof a.allRecipients !== 'boolean') problems.push(`actions[${i}]: allRecipients must be a boolean, not ${JSON.stringify(a.allRecipients)}`);
    if (a.recipients !== undefined && (!Array.isArray(a.recipients) || a.recipients.some((r) => typeof r !== 'string'))) problems.push(`actions[${i}]: recipients must be a list of addresses`);
    listed += Array.isArray(a.recipients) ? a.recipients.length : 0;
  });
  if (direction === 'OUTBOUND' && listed > RESPONSE_LIMITS.maxOutboundRecipients) problems.push(`${listed} recipients listed; outbound responses may name at most 500`);
  return problems;
}

/** The first ten unique actions (by type and bounce message); WorkMail ignores the rest. */
export function firstUniqueActions(actions: ResponseAction[]): { kept: ResponseAction[]; ignored: ResponseAction[] } {
  const seen: string[] = [];
  const kept: ResponseAction[] = [];
  const ignored: ResponseAction[] = [];
  for (const a of actions) {
    const key = `${a.action.type as ActionType}\u0000${a.action.parameters?.bounceMessage ?? ''}`;
    if (!seen.includes(key)) {
      if (seen.length >= RESPONSE_LIMITS.maxUniqueActions) {
        ignored.push(a);
        continue;
      }
      seen.push(key);
    }
    kept.push(a);
  }
  return { kept, ignored };
}

/**
 * Invokes the Lambda as a synchronous Run Lambda rule: a throw, an invalid response or an
 * answer after the 15-second limit is a failed invocation, retried with exponential backoff
 * (1 s, 2 s, 4 s … capped at 5 minutes) until the rule timeout; then the fallback applies.
 */
export async function invokeSynchronously(lambda: LambdaFunction, event: MessageFlowEvent, options: InvokeOptions): Promise<InvocationResult> {
  const limit = options.answerLimitMs ?? RESPONSE_LIMITS.answerWithinMs;
  const budgetMs = options.ruleTimeoutMinutes * 60_000;
  let waited = 0;
  const failures: string[] = [];
  const sleep = options.sleep ?? (async () => undefined);
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        lambda(event, { getRemainingTimeInMillis: () => Math.max(0, limit - (Date.now() - started)), awsRequestId: `emulated-${attempt}`, functionName: 'wmflow' }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
        }),
      ]);
      const problems = responseProblems(answer, event.flowDirection);
      if (!problems.length) return { actions: (answer as { actions: ResponseAction[] }).actions, invocations: attempt, failures };
      failures.push(`invalid response: ${problems.join('; ')}`);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
    }
    const delay = Math.min(1000 * 2 ** (attempt - 1), 300_000);
    if (waited + delay > budgetMs) return { actions: undefined, invocations: attempt, failures };
    waited += delay;
    await sleep(delay);
  }
}
