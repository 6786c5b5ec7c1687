import type { FlowDirection } from '../workmail/event.js';
import { ACTION_TYPES_BY_DIRECTION, RESPONSE_LIMITS, type ActionType, type MessageFlowResponse, type ResponseAction } from '../workmail/response.js';
import type { RequestedAction } from './rule.js';

/**
 * Which action wins when rules disagree about a recipient: WorkMail's own precedence for
 * email flow rules (Drop, Bounce, Junk, Default, Never-junk).
 */
const PRECEDENCE: Record<ActionType, number> = { DROP: 4, BOUNCE: 3, MOVE_TO_JUNK: 2, DEFAULT: 1, BYPASS_SPAM_CHECK: 0 };

interface Decision {
  type: ActionType;
  bounceMessage?: string | undefined;
}

function key(d: Decision): string {
  return d.type === 'BOUNCE' ? `BOUNCE\u0000${d.bounceMessage ?? ''}` : d.type;
}

function stronger(a: Decision | undefined, b: Decision): Decision {
  return !a || PRECEDENCE[b.type] > PRECEDENCE[a.type] ? b : a;
}

/**
 * Merges the actions rules asked for into a WorkMail response: per recipient the strongest
 * action wins; recipients nobody named get the strongest all-recipient action (else DEFAULT);
 * the largest group is sent as `allRecipients: true`. Action types not allowed for the flow
 * direction are dropped (outbound has no junk or spam bypass), at most 10 unique actions and
 * 256 KB are respected, and outbound lists stay within 500 recipients, by folding the weakest
 * groups into the all-recipients action.
 */
export function buildResponse(requested: readonly RequestedAction[], recipients: readonly string[], direction: FlowDirection): MessageFlowResponse {
  const allowed = ACTION_TYPES_BY_DIRECTION[direction] as readonly ActionType[];
  let forAll: Decision = { type: 'DEFAULT' };
  const perRecipient = new Map<string, Decision>();
  for (const r of requested) {
    if (!allowed.includes(r.type)) continue;
    const decision: Decision = r.type === 'BOUNCE' ? { type: 'BOUNCE', bounceMessage: r.bounceMessage ?? 'Message rejected by policy.' } : { type: r.type };
    if (!r.recipients) {
      forAll = stronger(forAll, decision);
    } else {
      for (const address of r.recipients) {
        const k = address.toLowerCase();
        perRecipient.set(k, stronger(perRecipient.get(k), decision));
      }
    }
  }

  // Every known recipient ends with the strongest of its own and the all-recipient decision.
  const groups = new Map<string, { decision: Decision; recipients: string[] }>();
  const assign = (address: string, decision: Decision) => {
    const k = key(decision);
    const group = groups.get(k) ?? { decision, recipients: [] };
    group.recipients.push(address);
    groups.set(k, group);
  };
  const seen = new Set<string>();
  for (const address of recipients) {
    const k = address.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    assign(address, stronger(perRecipient.get(k), forAll));
  }
  // Recipients a rule named that are not in the envelope (e.g. added BCCs) keep their action.
  for (const [k, decision] of perRecipient) if (!seen.has(k)) assign(k, stronger(decision, forAll));

  const forAllKey = key(forAll);
  const ordered = [...groups.entries()].sort((a, b) => b[1].recipients.length - a[1].recipients.length);
  // The all-recipients action is the rules' own all-recipient decision when it has a group,
  // else the largest group.
  const allKey = groups.has(forAllKey) || !ordered.length ? forAllKey : ordered[0]![0];
  const allDecision = groups.get(allKey)?.decision ?? forAll;
  let listed = ordered.filter(([k]) => k !== allKey);

  const fits = (actions: ResponseAction[]) =>
    actions.length <= RESPONSE_LIMITS.maxUniqueActions &&
    Buffer.byteLength(JSON.stringify({ actions })) <= RESPONSE_LIMITS.maxBytes &&
    (direction === 'INBOUND' ||
      actions.reduce((n, a) => n + (a.recipients?.length ?? 0), 0) <= RESPONSE_LIMITS.maxOutboundRecipients);

  const render = (): ResponseAction[] => [
    ...listed.map(([, g]) => ({ action: toAction(g.decision), recipients: g.recipients })),
    { action: toAction(allDecision), allRecipients: true },
  ];
  let actions = render();
  // Past a limit, fold the weakest listed groups into a stronger all-recipient action: a policy
  // decision may be widened, never silently lost.
  while (!fits(actions) && listed.length) {
    listed = [...listed].sort((a, b) => PRECEDENCE[a[1].decision.type] - PRECEDENCE[b[1].decision.type]);
    const weakest = listed.shift()!;
    if (PRECEDENCE[weakest[1].decision.type] > PRECEDENCE[allDecision.type]) {
      // Only stronger groups are left: apply the strongest to everyone.
      const strongest = [weakest, ...listed].sort((a, b) => PRECEDENCE[b[1].decision.type] - PRECEDENCE[a[1].decision.type])[0]!;
      return { actions: [{ action: toAction(strongest[1].decision), allRecipients: true }] };
    }
    actions = render();
  }
  return { actions };
}

function toAction(d: Decision): ResponseAction['action'] {
  return d.type === 'BOUNCE' ? { type: 'BOUNCE', parameters: { bounceMessage: d.bounceMessage ?? '' } } : { type: d.type };
}
