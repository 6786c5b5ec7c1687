import { randomBytes } from 'node:crypto';
import { headerAddresses, MimeError, parseMessage } from '../mime/index.js';
import { isInternal } from '../rules/condition.js';
import type { FlowDirection, MessageFlowEvent } from '../workmail/event.js';
import type { ActionType, ResponseAction } from '../workmail/response.js';
import { selectFlowRule, type EmailFlowRule, type FlowRuleAction } from './flow-rules.js';
import type { MessageStore } from './message-store.js';
import { firstUniqueActions, invokeSynchronously, type LambdaFunction } from './run-lambda.js';

/** What happened to one recipient. */
export interface RecipientOutcome {
  address: string;
  disposition: 'inbox' | 'junk' | 'dropped' | 'bounced' | 'relayed';
  bounceMessage?: string;
  /** Added by the Lambda's response (inbound: as BCC). */
  addedAsBcc?: boolean;
  /** The flow rule that decided, if any. */
  rule?: string;
}

/** The result of delivering one message through the emulated organisation. */
export interface DeliveryOutcome {
  messageId: string;
  event: MessageFlowEvent | undefined;
  /** The Lambda's response, when it gave a valid one. */
  response: { actions: ResponseAction[] } | undefined;
  recipients: RecipientOutcome[];
  /** The content delivered: the update if PutRawMessageContent succeeded, else the original. */
  finalMessage: Buffer;
  updated: boolean;
  lambdaInvocations: number;
  usedFallback: boolean;
  notes: string[];
}

/** A message to deliver. */
export interface DeliveryRequest {
  bytes: Buffer;
  direction: FlowDirection;
  mailFrom: string;
  recipients: string[];
  /** Keep the message id (else a fresh UUID). */
  messageId?: string;
  redirected?: boolean;
}

/** The organisation around the Lambda. */
export interface OrganisationOptions {
  domains: string[];
  rules: EmailFlowRule[];
  lambda?: LambdaFunction;
  answerLimitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** From, Sender and the decoded Subject, as WorkMail reads them; nothing for unparseable mail. */
async function summarize(bytes: Buffer): Promise<{ from?: string | undefined; sender?: string | undefined; subject?: string | undefined }> {
  try {
    const headers = (await parseMessage(bytes)).headers;
    return { from: headerAddresses(headers, 'from')[0], sender: headerAddresses(headers, 'sender')[0], subject: headers.getDecoded('subject')[0] };
  } catch (err) {
    if (err instanceof MimeError) return {};
    throw err;
  }
}

/** The event WorkMail would send (summaryVersion 2018-10-10). */
export async function buildEvent(request: DeliveryRequest, messageId: string): Promise<MessageFlowEvent> {
  const { from, sender: senderHeader, subject } = await summarize(request.bytes);
  const event: MessageFlowEvent = {
    summaryVersion: '2018-10-10',
    envelope: { mailFrom: { address: request.mailFrom }, recipients: request.recipients.map((address) => ({ address })) },
    ...(senderHeader && senderHeader !== from ? { sender: { address: senderHeader } } : {}),
    ...(subject !== undefined ? { subject: subject.slice(0, 256) } : {}),
    messageId,
    invocationId: randomBytes(16).toString('hex'),
    flowDirection: request.direction,
    truncated: false,
  };
  // Over 128 KB, WorkMail cuts the recipient list and says so.
  while (Buffer.byteLength(JSON.stringify(event)) > 128 * 1024 && event.envelope.recipients.length > 1) {
    event.envelope.recipients.pop();
    event.truncated = true;
  }
  return event;
}

const DISPOSITION: Record<ActionType | FlowRuleAction, RecipientOutcome['disposition']> = {
  DEFAULT: 'inbox',
  BYPASS_SPAM_CHECK: 'inbox',
  NEVER_JUNK: 'inbox',
  MOVE_TO_JUNK: 'junk',
  DROP: 'dropped',
  BOUNCE: 'bounced',
  SMTP_GATEWAY: 'relayed',
  RUN_LAMBDA: 'inbox',
};

/**
 * Delivers a message through the emulated organisation: picks the email flow rule per
 * recipient, runs a synchronous Run Lambda rule (retries, fallback, response validation),
 * and applies the resulting actions recipient by recipient.
 */
export async function deliver(store: MessageStore, org: OrganisationOptions, request: DeliveryRequest): Promise<DeliveryOutcome> {
  const stored = store.add(request.bytes, { id: request.messageId, direction: request.direction, redirected: request.redirected });
  const notes: string[] = [];
  const summary = await summarize(request.bytes);
  const sender = summary.sender ?? summary.from ?? request.mailFrom;
  const byRule = new Map<EmailFlowRule | undefined, string[]>();
  for (const r of request.recipients) {
    const rule = selectFlowRule(org.rules, request.direction, sender, r);
    byRule.set(rule, [...(byRule.get(rule) ?? []), r]);
  }
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
  for (const [rule, recipients] of byRule) {
    if (!rule || rule.action !== 'RUN_LAMBDA') {
      const action = rule?.action ?? 'DEFAULT';
      for (const address of recipients) {
        outcome.recipients.push({ address, disposition: DISPOSITION[action], ...(rule ? { rule: rule.name } : {}), ...(action === 'BOUNCE' ? { bounceMessage: rule?.bounceMessage ?? 'Message rejected by an email flow rule.' } : {}) });
      }
      continue;
    }
    if (!org.lambda) throw new Error(`rule ${rule.name} runs a Lambda but the emulator has none`);
    const lambdaSettings = rule.lambda ?? { fallback: 'DEFAULT', ruleTimeoutMinutes: 1 };
    const event = await buildEvent({ ...request, recipients }, stored.id);
    outcome.event = event;
    const result = await invokeSynchronously(org.lambda, event, { ruleTimeoutMinutes: lambdaSettings.ruleTimeoutMinutes, answerLimitMs: org.answerLimitMs, sleep: org.sleep });
    outcome.lambdaInvocations += result.invocations;
    notes.push(...result.failures.map((f) => `invocation failed: ${f}`));
    const fallback = lambdaSettings.fallback;
    if (!result.actions) {
      outcome.usedFallback = true;
      notes.push(`rule timeout reached: fallback ${fallback} for all recipients`);
      for (const address of recipients) outcome.recipients.push({ address, disposition: DISPOSITION[fallback], rule: rule.name, ...(fallback === 'BOUNCE' ? { bounceMessage: 'Message could not be processed.' } : {}) });
      continue;
    }
    outcome.response = { actions: result.actions };
    const { kept, ignored } = firstUniqueActions(result.actions);
    if (ignored.length) notes.push(`${ignored.length} action(s) past the tenth unique one were ignored (fallback applies to their recipients)`);
    const ignoredRecipients = new Set(ignored.flatMap((a) => (a.allRecipients ? [] : (a.recipients ?? []).map((r) => r.toLowerCase()))));
    const explicit = new Map<string, ResponseAction>();
    for (const a of kept) for (const r of a.recipients ?? []) if (!explicit.has(r.toLowerCase())) explicit.set(r.toLowerCase(), a);
    const forAll = kept.find((a) => a.allRecipients === true);
    const apply = (address: string, action: ResponseAction | undefined, extra: Partial<RecipientOutcome> = {}) => {
      const type = action?.action.type ?? fallback;
      if (!action) outcome.usedFallback = true;
      outcome.recipients.push({ address, disposition: DISPOSITION[type], rule: rule.name, ...(type === 'BOUNCE' ? { bounceMessage: action?.action.parameters?.bounceMessage ?? 'Message could not be processed.' } : {}), ...extra });
    };
    for (const address of recipients) {
      const key = address.toLowerCase();
      apply(address, explicit.get(key) ?? (ignoredRecipients.has(key) ? undefined : forAll));
    }
    // Recipients the response adds: inbound only within the organisation, as BCC.
    for (const [address, action] of explicit) {
      if (recipients.some((r) => r.toLowerCase() === address)) continue;
      if (request.direction === 'INBOUND' && !isInternal(address, org.domains.map((d) => d.toLowerCase()))) {
        notes.push(`ignored added recipient ${address}: not in the organisation's domains`);
        continue;
      }
      apply(address, action, { addedAsBcc: true });
    }
  }
  const after = store.get(stored.id);
  if (after?.updated) {
    outcome.finalMessage = after.updated;
    outcome.updated = true;
  }
  return outcome;
}
