/**
 * The rules' own delivery vocabulary: flow direction, delivery actions and how several rules'
 * requests for the same message combine. Independent of any mail platform: WorkMail renders
 * the decisions as a Run Lambda response, an SMTP filter as SMTP replies.
 */

/** Whether mail enters the organisation or leaves it. */
export type FlowDirection = 'INBOUND' | 'OUTBOUND';

/** Delivery actions a rule may ask for. */
export type ActionType = 'DEFAULT' | 'BOUNCE' | 'DROP' | 'MOVE_TO_JUNK' | 'BYPASS_SPAM_CHECK';

/** Every action type, in the order configuration errors list them. */
export const ACTION_TYPES: readonly ActionType[] = ['DEFAULT', 'BOUNCE', 'DROP', 'MOVE_TO_JUNK', 'BYPASS_SPAM_CHECK'];

/**
 * Which action wins when rules disagree about a recipient: WorkMail's own precedence for email
 * flow rules (Drop, Bounce, Junk, Default, Never-junk), which SMTP filters follow too.
 */
export const ACTION_PRECEDENCE: Readonly<Record<ActionType, number>> = { DROP: 4, BOUNCE: 3, MOVE_TO_JUNK: 2, DEFAULT: 1, BYPASS_SPAM_CHECK: 0 };

/** Actions that keep a message from reaching the inbox: what a fail-closed policy applies. */
export function isBlockingAction(type: ActionType): boolean {
  return type === 'BOUNCE' || type === 'DROP' || type === 'MOVE_TO_JUNK';
}

/** The bounce text used when a rule asks for BOUNCE without one. */
export const DEFAULT_BOUNCE_MESSAGE = 'Message rejected by policy.';

/** A delivery action a rule asks for. */
export interface RequestedAction {
  type: ActionType;
  /** For BOUNCE: the text returned to the sender (default {@link DEFAULT_BOUNCE_MESSAGE}). */
  bounceMessage?: string;
  /** Envelope recipients it applies to; all recipients when absent. */
  recipients?: string[];
}

/** What happens to one recipient (or to everyone not named otherwise). */
export interface Decision {
  type: ActionType;
  bounceMessage?: string | undefined;
}

/** The combined decisions: one per named recipient, and one for everyone else. */
export interface DeliveryDecisions {
  /** The decision for recipients no rule named. */
  forAll: Decision;
  /** By lower-cased address: the address as first written, and the strongest decision for it. */
  perRecipient: Map<string, { address: string; decision: Decision }>;
}

/** The stronger of two decisions by {@link ACTION_PRECEDENCE}; `a` wins ties. */
export function strongerDecision(a: Decision | undefined, b: Decision): Decision {
  return !a || ACTION_PRECEDENCE[b.type] > ACTION_PRECEDENCE[a.type] ? b : a;
}

/**
 * Combines requested actions: per recipient the strongest wins, and every envelope recipient
 * ends with the strongest of its own and the all-recipient decision. Actions outside `allowed`
 * (e.g. junk for outbound mail on WorkMail) are ignored. Recipients a rule named that are not in
 * the envelope keep their decision.
 */
export function decideDelivery(
  requested: readonly RequestedAction[],
  recipients: readonly string[],
  allowed: readonly ActionType[] = ACTION_TYPES,
): DeliveryDecisions {
  let forAll: Decision = { type: 'DEFAULT' };
  const named = new Map<string, { address: string; decision: Decision }>();
  for (const r of requested) {
    if (!allowed.includes(r.type)) continue;
    const decision: Decision = r.type === 'BOUNCE' ? { type: 'BOUNCE', bounceMessage: r.bounceMessage ?? DEFAULT_BOUNCE_MESSAGE } : { type: r.type };
    if (!r.recipients) {
      forAll = strongerDecision(forAll, decision);
      continue;
    }
    for (const address of r.recipients) {
      const k = address.toLowerCase();
      const was = named.get(k);
      named.set(k, { address: was?.address ?? address, decision: strongerDecision(was?.decision, decision) });
    }
  }
  const perRecipient = new Map<string, { address: string; decision: Decision }>();
  for (const address of recipients) {
    const k = address.toLowerCase();
    if (perRecipient.has(k)) continue;
    perRecipient.set(k, { address, decision: strongerDecision(named.get(k)?.decision, forAll) });
  }
  for (const [k, v] of named) if (!perRecipient.has(k)) perRecipient.set(k, { address: v.address, decision: strongerDecision(v.decision, forAll) });
  return { forAll, perRecipient };
}
