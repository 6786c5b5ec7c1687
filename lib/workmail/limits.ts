/**
 * WorkMail's documented limits and patterns (Message Flow API reference, Lambda for email flows):
 * the one home of these facts for the pipeline, the emulator, the CLI and the CDK construct.
 */
import type { ActionType, FlowDirection } from '../rules/delivery.js';

/** WorkMail waits this long for a synchronous Lambda's answer before counting a failure. */
export const ANSWER_LIMIT_MS = 15_000;

/** Limits of the synchronous response. */
export const RESPONSE_LIMITS = {
  /** Actions past the tenth unique one get the rule's fallback action. */
  maxUniqueActions: 10,
  /** Serialised response size. */
  maxBytes: 256 * 1024,
  /** Outbound recipients per response. */
  maxOutboundRecipients: 500,
  /** WorkMail waits this long for an answer before counting the invocation as failed. */
  answerWithinMs: ANSWER_LIMIT_MS,
} as const;

/** Action types WorkMail accepts per flow direction (outbound has no junk or spam handling). */
export const ACTION_TYPES_BY_DIRECTION = {
  INBOUND: ['BOUNCE', 'DROP', 'DEFAULT', 'BYPASS_SPAM_CHECK', 'MOVE_TO_JUNK'],
  OUTBOUND: ['BOUNCE', 'DROP', 'DEFAULT'],
} as const satisfies Record<FlowDirection, readonly ActionType[]>;

/** Message ids as the Message Flow API accepts them: 1–120 characters of `[a-z0-9-]`. */
export const MESSAGE_ID_PATTERN = /^[a-z0-9-]{1,120}$/;

/**
 * `S3Reference` constraints from the Message Flow API model: stricter than S3's own (no dots in
 * bucket names, no dots or underscores in keys).
 */
export const S3_REFERENCE = {
  bucket: { pattern: /^[a-z0-9][a-z0-9-]*$/, shown: '^[a-z0-9][a-z0-9\\-]*', min: 3, max: 63 },
  key: { pattern: /^[a-zA-Z0-9\-/]*$/, shown: '[a-zA-Z0-9\\-/]*', min: 1, max: 1024 },
  objectVersion: { min: 1, max: 1024 },
} as const;

/** Whether WorkMail can be pointed at this bucket. */
export function isS3ReferenceBucket(name: string): boolean {
  const b = S3_REFERENCE.bucket;
  return name.length >= b.min && name.length <= b.max && b.pattern.test(name);
}

/** How long WorkMail keeps an in-transit message readable. */
export const MESSAGE_RETENTION_MS = 24 * 60 * 60 * 1000;
