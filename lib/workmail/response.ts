/** Action types WorkMail accepts in a synchronous Run Lambda response. */
export type ActionType = 'DEFAULT' | 'BOUNCE' | 'DROP' | 'MOVE_TO_JUNK' | 'BYPASS_SPAM_CHECK';

/** Types allowed per flow direction (outbound has no junk or spam handling). */
export const ACTION_TYPES_BY_DIRECTION = {
  INBOUND: ['BOUNCE', 'DROP', 'DEFAULT', 'BYPASS_SPAM_CHECK', 'MOVE_TO_JUNK'],
  OUTBOUND: ['BOUNCE', 'DROP', 'DEFAULT'],
} as const satisfies Record<'INBOUND' | 'OUTBOUND', readonly ActionType[]>;

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

/** WorkMail's documented limits on the response. */
export const RESPONSE_LIMITS = {
  /** Actions past the tenth unique one get the rule's fallback action. */
  maxUniqueActions: 10,
  /** Serialised response size. */
  maxBytes: 256 * 1024,
  /** Outbound recipients per response. */
  maxOutboundRecipients: 500,
  /** WorkMail waits this long for an answer before counting the invocation as failed. */
  answerWithinMs: 15_000,
} as const;

/** Deliver normally to every recipient: the answer whenever wmflow cannot or should not act. */
export function defaultResponse(): MessageFlowResponse {
  return { actions: [{ action: { type: 'DEFAULT' }, allRecipients: true }] };
}
