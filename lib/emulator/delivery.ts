import { randomUUID } from 'node:crypto';
import type { FlowDirection } from '../rules/delivery.js';
import type { MessageFlowEvent } from '../workmail/event.js';
import type { ActionType } from '../rules/delivery.js';
import { ANSWER_LIMIT_MS } from '../workmail/limits.js';
import type { MessageFlowResponse, ResponseAction } from '../workmail/response.js';
import { SkippingClock, type Clock } from './clock.js';
import { EmulatorError } from './errors.js';
import { lambdaSettings, matchFlowRule, type EmailFlowRule, type FallbackAction, type FlowRuleAction } from './flow-rules.js';
import { buildEvent, readEventHeaders } from './message-event.js';
import { deliveredContent, type MessageStore } from './message-store.js';
import { assertValidOrganisation, isOrganisationAddress, type Organisation } from './organisation.js';
import { firstUniqueActions, invokeSynchronously, type InvokeOptions, type LambdaFunction } from './run-lambda.js';

/** Where a recipient's copy ended up. */
export type Disposition = 'inbox' | 'junk' | 'dropped' | 'bounced' | 'relayed';

/** What happened to one recipient. */
export interface RecipientOutcome {
  address: string;
  /** `relayed`: handed to an outbound SMTP gateway. */
  disposition: Disposition;
  bounceMessage?: string;
  /** Added by the Lambda's response (inbound: as BCC; To/Cc are not changed). */
  addedAsBcc?: boolean;
  /** The email flow rule that decided, if any. */
  rule?: string;
}

/** The result of delivering one message through the emulated organisation. */
export interface DeliveryOutcome {
  messageId: string;
  /** The event of the (last) synchronous Run Lambda rule, if one ran. */
  event: MessageFlowEvent | undefined;
  /** The Lambda's valid response, if it gave one. */
  response: MessageFlowResponse | undefined;
  recipients: RecipientOutcome[];
  /** The content delivered: the update if PutRawMessageContent succeeded, else the original. */
  finalMessage: Buffer;
  updated: boolean;
  lambdaInvocations: number;
  /** The fallback action applied to at least one recipient. */
  usedFallback: boolean;
  /** What the emulator noticed along the way (failed invocations, ignored recipients…). */
  notes: string[];
}

/** A message to deliver. */
export interface DeliveryRequest {
  bytes: Buffer;
  direction: FlowDirection;
  /** Envelope MAIL FROM. */
  mailFrom: string;
  /**
   * Envelope recipients. Inbound: those outside the organisation's domains are refused (WorkMail
   * does not relay), unless the organisation has no domains configured.
   */
  recipients: string[];
  /** Keep this message id (else a fresh UUID). */
  messageId?: string;
  /** A redirected message: PutRawMessageContent answers MessageFrozen. */
  redirected?: boolean;
}

/** The organisation around the Lambda, and how to run it. */
export interface OrganisationOptions extends Organisation {
  lambda?: LambdaFunction | undefined;
  /** WorkMail's 15-second answer limit (lower it to test a hanging Lambda quickly). */
  answerLimitMs?: number | undefined;
  /** The function's own timeout, as the Lambda context reports it (default: the answer limit). */
  functionTimeoutMs?: number | undefined;
  functionName?: string | undefined;
  /** Default: a {@link SkippingClock} per delivery (backoff waits are skipped). */
  clock?: Clock | undefined;
  backoffMs?: InvokeOptions['backoffMs'];
}

const DISPOSITION: Record<ActionType | FlowRuleAction, Disposition> = {
  DEFAULT: 'inbox',
  BYPASS_SPAM_CHECK: 'inbox',
  NEVER_JUNK: 'inbox',
  MOVE_TO_JUNK: 'junk',
  DROP: 'dropped',
  BOUNCE: 'bounced',
  SMTP_GATEWAY: 'relayed',
  RUN_LAMBDA: 'inbox',
};

/** Where a recipient's copy ends up under a Lambda's action (for reports outside the emulator too). */
export function dispositionFor(type: ActionType): Disposition {
  return DISPOSITION[type];
}

const RULE_BOUNCE = 'Message rejected by an email flow rule.';
const FALLBACK_BOUNCE = 'Message could not be processed.';

function outcomeFor(address: string, type: ActionType | FlowRuleAction, rule: EmailFlowRule | undefined, bounceMessage: string | undefined): RecipientOutcome {
  return {
    address,
    disposition: DISPOSITION[type],
    ...(type === 'BOUNCE' ? { bounceMessage: bounceMessage ?? RULE_BOUNCE } : {}),
    ...(rule ? { rule: rule.name } : {}),
  };
}

const looksLikeAddress = (s: string) => /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(s.trim());

/**
 * Delivers a message through the emulated organisation as WorkMail would: picks the email flow
 * rule per recipient (Sender, then From; most specific; most restrictive on ties), runs a
 * synchronous Run Lambda rule (retries until the rule timeout, response validation, fallback),
 * and applies the resulting actions recipient by recipient. The message sits in `store` so the
 * Lambda can read and update it over the Message Flow API meanwhile.
 *
 * @throws {EmulatorError} `EMULATOR_CONFIG_INVALID` for rules WorkMail would refuse;
 *   `EMULATOR_NO_LAMBDA` when a Run Lambda rule matches and there is no Lambda;
 *   `EMULATOR_REQUEST_INVALID` for a bad message id.
 */
export async function deliver(store: MessageStore, org: OrganisationOptions, request: DeliveryRequest): Promise<DeliveryOutcome> {
  assertValidOrganisation(org);
  const stored = store.add(request.bytes, { id: request.messageId, direction: request.direction, redirected: request.redirected, acceptsUpdates: false });
  const notes: string[] = [];
  const headers = readEventHeaders(request.bytes);
  const outcome: DeliveryOutcome = {
    messageId: stored.id,
    event: undefined,
    response: undefined,
    recipients: [],
    finalMessage: request.bytes,
    updated: false,
    lambdaInvocations: 0,
    usedFallback: false,
    notes,
  };

  // One copy per recipient, whatever the case; inbound, only the organisation's (no relaying).
  const seen = new Set<string>();
  const recipients: string[] = [];
  for (const r of request.recipients) {
    const key = r.trim().toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    if (request.direction === 'INBOUND' && org.domains.length && !isOrganisationAddress(r, org.domains)) {
      notes.push(`refused recipient ${r}: not in the organisation's domains (WorkMail does not relay inbound mail)`);
      continue;
    }
    recipients.push(r.trim());
  }

  // Rules look at the Sender header, then From; the envelope only when the message has neither.
  const senders = [headers.sender, headers.from].filter((a): a is string => !!a);
  const byRule = new Map<EmailFlowRule | undefined, string[]>();
  for (const r of recipients) {
    const rule = matchFlowRule(org.rules, request.direction, senders.length ? senders : [request.mailFrom], r)?.rule;
    byRule.set(rule, [...(byRule.get(rule) ?? []), r]);
  }

  for (const [rule, group] of byRule) {
    if (rule?.action !== 'RUN_LAMBDA') {
      for (const address of group) outcome.recipients.push(outcomeFor(address, rule?.action ?? 'DEFAULT', rule, rule?.bounceMessage));
      continue;
    }
    if (!org.lambda) throw new EmulatorError('EMULATOR_NO_LAMBDA', `rule "${rule.name}" runs a Lambda but the emulator was started without one`);
    const settings = lambdaSettings(rule);
    const event = buildEvent({ bytes: request.bytes, direction: request.direction, mailFrom: request.mailFrom, recipients: group }, stored.id, { headers });
    if (event.truncated) notes.push(`the event listed ${event.envelope.recipients.length} of ${group.length} recipients (payload over 128 KB): truncated`);
    if (!settings.synchronous) {
      await invokeAsynchronously(org, event, notes);
      outcome.lambdaInvocations++;
      for (const address of group) outcome.recipients.push(outcomeFor(address, 'DEFAULT', rule, undefined));
      continue;
    }
    outcome.event = event;
    stored.acceptsUpdates = true;
    let result: Awaited<ReturnType<typeof invokeSynchronously>>;
    try {
      result = await invokeSynchronously(org.lambda, event, {
        ruleTimeoutMinutes: settings.ruleTimeoutMinutes,
        answerLimitMs: org.answerLimitMs,
        functionTimeoutMs: org.functionTimeoutMs,
        functionName: org.functionName,
        clock: org.clock ?? new SkippingClock(),
        backoffMs: org.backoffMs,
      });
    } finally {
      // Once the rule has decided, updates no longer take effect.
      stored.acceptsUpdates = false;
    }
    outcome.lambdaInvocations += result.invocations;
    notes.push(...result.failures.map((f, i) => `invocation ${i + 1} failed: ${f}`));
    if (!result.response) {
      outcome.usedFallback = true;
      notes.push(`rule timeout reached after ${result.invocations} invocation(s): fallback ${settings.fallback} for all recipients`);
      for (const address of group) outcome.recipients.push(outcomeFor(address, settings.fallback, rule, FALLBACK_BOUNCE));
      continue;
    }
    outcome.response = result.response;
    applyResponse(result.response.actions, group, rule, settings.fallback, org, request.direction, outcome);
  }

  // What is delivered: an update made during the synchronous invocation; never a later one.
  if (stored.updated) {
    outcome.finalMessage = deliveredContent(stored);
    outcome.updated = true;
  }
  return outcome;
}

/** Fire and forget, as an asynchronous rule does: the answer and any error are only noted. */
async function invokeAsynchronously(org: OrganisationOptions, event: MessageFlowEvent, notes: string[]): Promise<void> {
  try {
    await org.lambda!(structuredClone(event), {
      getRemainingTimeInMillis: () => org.functionTimeoutMs ?? ANSWER_LIMIT_MS,
      awsRequestId: randomUUID(),
      functionName: org.functionName ?? 'wmflow',
    });
  } catch (err) {
    notes.push(`asynchronous invocation failed (ignored, as WorkMail does): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Applies a valid response to the rule's recipients (and the ones it adds). */
function applyResponse(
  actions: readonly ResponseAction[],
  group: readonly string[],
  rule: EmailFlowRule,
  fallback: FallbackAction,
  org: OrganisationOptions,
  direction: FlowDirection,
  outcome: DeliveryOutcome,
): void {
  const { notes } = outcome;
  const { kept, ignored } = firstUniqueActions(actions);
  if (ignored.length) notes.push(`${ignored.length} action(s) past the tenth unique one were ignored; their recipients get the fallback ${fallback}`);
  const ignoredRecipients = new Set(ignored.flatMap((a) => (a.recipients ?? []).map((r) => r.trim().toLowerCase())));
  // The first action naming a recipient decides for it.
  const named = new Map<string, { address: string; action: ResponseAction }>();
  for (const a of kept) {
    for (const r of a.recipients ?? []) {
      const key = r.trim().toLowerCase();
      const earlier = named.get(key);
      if (!earlier) named.set(key, { address: r.trim(), action: a });
      else if (actionLabel(earlier.action) !== actionLabel(a))
        notes.push(`${r} is named by more than one action: the first (${actionLabel(earlier.action)}) applies`);
    }
  }
  const forAll = kept.find((a) => a.allRecipients === true);
  const apply = (address: string, action: ResponseAction | undefined, extra: Partial<RecipientOutcome> = {}) => {
    if (!action) {
      outcome.usedFallback = true;
      outcome.recipients.push({ ...outcomeFor(address, fallback, rule, FALLBACK_BOUNCE), ...extra });
      return;
    }
    outcome.recipients.push({ ...outcomeFor(address, action.action.type, rule, action.action.parameters?.bounceMessage), ...extra });
  };
  const leftOut: string[] = [];
  for (const address of group) {
    const key = address.toLowerCase();
    const action = named.get(key)?.action ?? (ignoredRecipients.has(key) ? undefined : forAll);
    if (!action && !ignoredRecipients.has(key)) leftOut.push(address);
    apply(address, action);
  }
  if (leftOut.length) notes.push(`the response left out ${leftOut.join(', ')} and set no allRecipients action: fallback ${fallback}`);
  // Recipients the response adds: inbound only within the organisation, always as BCC.
  const inGroup = new Set(group.map((r) => r.toLowerCase()));
  for (const [key, { address, action }] of named) {
    if (inGroup.has(key)) continue;
    if (!looksLikeAddress(address)) {
      notes.push(`ignored added recipient "${address}": not an email address`);
      continue;
    }
    if (direction === 'INBOUND' && !isOrganisationAddress(address, org.domains)) {
      notes.push(`ignored added recipient ${address}: not in the organisation's domains`);
      continue;
    }
    apply(address, action, { addedAsBcc: true });
  }
}

function actionLabel(a: ResponseAction): string {
  return a.action.type === 'BOUNCE' ? `BOUNCE "${a.action.parameters?.bounceMessage ?? ''}"` : a.action.type;
}
