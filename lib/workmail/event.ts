import * as z from 'zod';
import { WmflowError } from '../errors.js';
import { formatPath } from '../format-path.js';
import type { FlowDirection } from '../rules/delivery.js';
import { MESSAGE_ID_PATTERN } from './limits.js';

/** The event WorkMail sends to a Run Lambda rule (summaryVersion 2018-10-10). */
export interface MessageFlowEvent {
  summaryVersion: string;
  envelope: {
    mailFrom: { address: string };
    recipients: { address: string }[];
  };
  /** Set only when mail is sent on behalf of someone else. */
  sender?: { address: string } | undefined;
  /** Truncated by WorkMail at 256 characters: read the full subject from the message. */
  subject?: string | undefined;
  messageId: string;
  /** Identical on retries of the same event: the idempotency key. */
  invocationId: string;
  flowDirection: FlowDirection;
  /** The payload exceeded 128 KB and the recipient list was cut. */
  truncated?: boolean | undefined;
}

const address = z.object({ address: z.string() }).loose();

const eventSchema = z
  .object({
    summaryVersion: z.string(),
    envelope: z
      .object({
        mailFrom: address,
        recipients: z.array(address),
      })
      .loose(),
    sender: address.nullish(),
    subject: z.string().nullish(),
    messageId: z.string().regex(MESSAGE_ID_PATTERN, 'must be 1-120 characters of [a-z0-9-]'),
    invocationId: z.string().min(1),
    flowDirection: z.enum(['INBOUND', 'OUTBOUND']),
    truncated: z.boolean().nullish(),
  })
  .loose();

/** An event that does not have the documented shape. */
export class InvalidEventError extends WmflowError {
  /** One entry per problem, each `path: problem`. */
  readonly problems: string[];

  constructor(problems: string[]) {
    super('EVENT_INVALID', `invalid WorkMail event: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/**
 * Checks an incoming Lambda event against the documented schema. Unknown fields are tolerated
 * (WorkMail may add some); missing or malformed required ones raise {@link InvalidEventError}
 * naming every problem with its path.
 */
export function parseMessageFlowEvent(input: unknown): MessageFlowEvent {
  const result = eventSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidEventError(result.error.issues.map((issue) => `${formatPath(issue.path) || '(event)'}: ${issue.message}`));
  }
  const e = result.data;
  return {
    summaryVersion: e.summaryVersion,
    envelope: {
      mailFrom: { address: e.envelope.mailFrom.address },
      recipients: e.envelope.recipients.map((r) => ({ address: r.address })),
    },
    sender: e.sender ? { address: e.sender.address } : undefined,
    subject: e.subject ?? undefined,
    messageId: e.messageId,
    invocationId: e.invocationId,
    flowDirection: e.flowDirection,
    truncated: e.truncated ?? undefined,
  };
}
