import type { Readable, Writable } from 'node:stream';
import type { FlowDirection, RulesConfig } from '../rules/index.js';
import { planDelivery, passThroughPlan, directionOf, allOrgDomains, type DeliveryPlan, type JunkHeader } from '../smtp/index.js';

/** sysexits(3) codes `wmflow filter` ends with (what Postfix's pipe(8) and sendmail understand). */
export const FILTER_EXIT = {
  /** Delivered (the message is on stdout), or dropped (stdout is empty). */
  OK: 0,
  /** EX_TEMPFAIL: try again later (our own error with `--on-error tempfail`). */
  TEMPFAIL: 75,
  /** EX_NOPERM: a rule bounced the message; stderr has the bounce text. Policy refusal, so 5.7.x. */
  BOUNCE: 77,
} as const;

/** Options of {@link filter}. */
export interface FilterOptions {
  config: RulesConfig;
  from: string;
  to: string[];
  direction?: FlowDirection | undefined;
  orgDomains: string[];
  junkHeader: JunkHeader;
  partialBounce: 'relay' | 'reject';
  onError: 'tempfail' | 'pass';
}

/**
 * `wmflow filter`: one message from stdin through the rules (the same core step as `wmflow smtp`
 * and the Lambda), the result on stdout. Exit 0 with the message (for MOVE_TO_JUNK with the junk
 * header; when only some recipients are junked the one output carries it), exit 0 with nothing
 * on stdout when every recipient was dropped, exit 77 with the bounce text on stderr when every
 * recipient was bounced (or some, with `--partial-bounce reject`), 75 on our own error with
 * `--on-error tempfail`. Per-recipient decisions other than delivery go to stderr.
 */
export async function filter(options: FilterOptions, stdin: Readable, stdout: Writable, err: (line: string) => void): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const bytes = Buffer.concat(chunks);
  const envelope = { mailFrom: options.from, recipients: options.to };
  let plan: DeliveryPlan;
  try {
    plan = await planDelivery(bytes, envelope, {
      config: options.config,
      orgDomains: options.orgDomains,
      direction: options.direction,
      junkHeader: options.junkHeader,
    });
  } catch (e) {
    err(`wmflow: could not process the message: ${e instanceof Error ? e.message : String(e)}`);
    if (options.onError === 'tempfail') return FILTER_EXIT.TEMPFAIL;
    plan = passThroughPlan(bytes, envelope, options.direction ?? directionOf(options.from, allOrgDomains(options.config, options.orgDomains)));
  }
  for (const reason of plan.outcome?.reasons ?? []) err(`wmflow: ${reason}`);
  const bounceText = [...new Set(plan.bounced.map((b) => b.message))].join(' ');
  if (plan.bounced.length && (plan.bounced.length === options.to.length || options.partialBounce === 'reject')) {
    err(bounceText);
    return FILTER_EXIT.BOUNCE;
  }
  for (const b of plan.bounced) err(`wmflow: bounced for ${b.recipient}: ${b.message}`);
  for (const d of plan.dropped) err(`wmflow: dropped for ${d}`);
  const delivery = plan.deliveries.find((d) => d.junk) ?? plan.deliveries[0];
  if (!delivery) return FILTER_EXIT.OK;
  if (plan.deliveries.length > 1) err(`wmflow: junk header added; only ${delivery.recipients.join(', ')} were junked by the rules`);
  await new Promise<void>((resolve, reject) => stdout.write(delivery.bytes, (e) => (e ? reject(e) : resolve())));
  return FILTER_EXIT.OK;
}
