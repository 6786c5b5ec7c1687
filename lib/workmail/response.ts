import {
  DEFAULT_BOUNCE_MESSAGE,
  decideDelivery,
  ACTION_PRECEDENCE,
  type ActionType,
  type Decision,
  type FlowDirection,
  type RequestedAction,
} from '../rules/delivery.js';
import { ACTION_TYPES_BY_DIRECTION, RESPONSE_LIMITS } from './limits.js';

/** One action of the response, for every recipient or for the listed ones. */
export interface ResponseAction {
  action: { type: ActionType; parameters?: { bounceMessage: string } };
  allRecipients?: boolean;
  recipients?: string[];
}

/** The synchronous response WorkMail expects from the Lambda. */
export interface MessageFlowResponse {
  actions: ResponseAction[];
}

/** Deliver normally to every recipient: the answer whenever wmflow cannot or should not act. */
export function defaultResponse(): MessageFlowResponse {
  return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
}

function key(d: Decision): string {
  return d.type === 'BOUNCE' ? `BOUNCE\u0000${d.bounceMessage ?? ''}` : d.type;
}

function toAction(d: Decision): ResponseAction['action'] {
  return d.type === 'BOUNCE' ? { type: 'BOUNCE', parameters: { bounceMessage: d.bounceMessage ?? DEFAULT_BOUNCE_MESSAGE } } : { type: d.type };
}

/**
 * Renders the rules' requested actions as a WorkMail response: decisions combined by
 * `decideDelivery` (actions not allowed for the direction dropped), the largest group sent as
 * `allRecipients: true`; at most 10 unique actions and 256 KB, and outbound lists within 500
 * recipients, by folding the weakest groups into the all-recipients action: a policy decision
 * may be widened, never silently lost.
 */
export function buildResponse(requested: readonly RequestedAction[], recipients: readonly string[], direction: FlowDirection): MessageFlowResponse {
  const { forAll, perRecipient } = decideDelivery(requested, recipients, ACTION_TYPES_BY_DIRECTION[direction]);
  const groups = new Map<string, { decision: Decision; recipients: string[] }>();
  for (const { address, decision } of perRecipient.values()) {
    const k = key(decision);
    const group = groups.get(k) ?? { decision, recipients: [] };
    group.recipients.push(address);
    groups.set(k, group);
  }

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
    (direction === 'INBOUND' || actions.reduce((n, a) => n + (a.recipients?.length ?? 0), 0) <= RESPONSE_LIMITS.maxOutboundRecipients);

  const render = (): ResponseAction[] => [
    ...listed.map(([, g]) => ({ action: toAction(g.decision), recipients: g.recipients })),
    { action: toAction(allDecision), allRecipients: true },
  ];
  let actions = render();
  while (!fits(actions) && listed.length) {
    listed = [...listed].sort((a, b) => ACTION_PRECEDENCE[a[1].decision.type] - ACTION_PRECEDENCE[b[1].decision.type]);
    const weakest = listed.shift()!;
    if (ACTION_PRECEDENCE[weakest[1].decision.type] > ACTION_PRECEDENCE[allDecision.type]) {
      // Only stronger groups are left: apply the strongest to everyone.
      const strongest = [weakest, ...listed].sort((a, b) => ACTION_PRECEDENCE[b[1].decision.type] - ACTION_PRECEDENCE[a[1].decision.type])[0]!;
      return { actions: [{ action: toAction(strongest[1].decision), allRecipients: true }] };
    }
    actions = render();
  }
  return { actions };
}

/**
 * Everything WorkMail would refuse in a synchronous Lambda's answer (empty: valid): the shape,
 * action types allowed for the direction, BOUNCE parameters, 256 KB, 500 outbound recipients.
 */
export function responseProblems(response: unknown, direction: FlowDirection): string[] {
  let json: string | undefined;
  try {
    json = JSON.stringify(response);
  } catch {
    return ['the response is not JSON-serialisable'];
  }
  if (response === null || typeof response !== 'object' || Array.isArray(response) || json === undefined) {
    return [`the response must be an object with "actions", not ${json ?? String(response)}`.slice(0, 200)];
  }
  const problems: string[] = [];
  const size = Buffer.byteLength(json);
  if (size > RESPONSE_LIMITS.maxBytes) problems.push(`the response is ${size} bytes, over the 256 KB limit`);
  const actions = (response as { actions?: unknown }).actions;
  if (!Array.isArray(actions)) return [...problems, 'the response has no "actions" array'];
  const allowed = ACTION_TYPES_BY_DIRECTION[direction] as readonly string[];
  let listed = 0;
  actions.forEach((a: unknown, i: number) => {
    const at = `actions[${i}]`;
    if (a === null || typeof a !== 'object') {
      problems.push(`${at}: must be an object`);
      return;
    }
    const { action, allRecipients, recipients } = a as {
      action?: { type?: unknown; parameters?: { bounceMessage?: unknown } };
      allRecipients?: unknown;
      recipients?: unknown;
    };
    const type = action?.type;
    if (typeof type !== 'string' || !allowed.includes(type)) {
      problems.push(`${at}: type ${JSON.stringify(type)} is not allowed for ${direction.toLowerCase()} mail (allowed: ${allowed.join(', ')})`);
    }
    if (type === 'BOUNCE' && (typeof action?.parameters?.bounceMessage !== 'string' || !action.parameters.bounceMessage)) {
      problems.push(`${at}: BOUNCE needs parameters.bounceMessage`);
    }
    if (allRecipients !== undefined && typeof allRecipients !== 'boolean')
      problems.push(`${at}: allRecipients must be a boolean, not ${JSON.stringify(allRecipients)}`);
    if (recipients !== undefined && (!Array.isArray(recipients) || recipients.some((r) => typeof r !== 'string'))) {
      problems.push(`${at}: recipients must be a list of addresses`);
    }
    listed += Array.isArray(recipients) ? recipients.length : 0;
  });
  if (direction === 'OUTBOUND' && listed > RESPONSE_LIMITS.maxOutboundRecipients) {
    problems.push(`${listed} recipients listed; outbound responses may name at most ${RESPONSE_LIMITS.maxOutboundRecipients}`);
  }
  return problems;
}
