import { headerAddresses, type MimeMessage } from '../mime/index.js';
import type { FlowDirection } from '../rules/delivery.js';
import { isInternal } from '../rules/address-pattern.js';
import { UsageError } from './errors.js';

/** Options that describe the envelope a replayed message travels in. */
export interface EnvelopeOptions {
  direction?: string;
  from?: string;
  to?: string;
  orgDomains: string[];
}

/** `inbound`/`outbound` (any case) → the event's direction; `auto` or nothing → undefined. */
export function parseDirection(value: string | undefined): FlowDirection | undefined {
  const v = (value ?? 'auto').toUpperCase();
  if (v === 'AUTO') return undefined;
  if (v !== 'INBOUND' && v !== 'OUTBOUND') throw new UsageError(`--direction must be inbound, outbound or auto, not "${value}"`);
  return v;
}

/**
 * The envelope for a replayed message: the given --direction (else outbound when From is in the
 * organisation, inbound otherwise), the given --from/--to, else the message's own From and
 * To/Cc (inbound: only the organisation's recipients, as WorkMail sends), else a user in the
 * first organisation domain.
 */
export function envelopeFor(message: MimeMessage, options: EnvelopeOptions): { direction: FlowDirection; mailFrom: string; recipients: string[] } {
  const mailFrom = options.from ?? headerAddresses(message.headers, 'from')[0] ?? 'sender@unknown.example';
  // Auto: mail from the organisation is outbound, anything else inbound.
  const direction = parseDirection(options.direction) ?? (isInternal(mailFrom, options.orgDomains) ? 'OUTBOUND' : 'INBOUND');
  let recipients = options.to
    ? options.to
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : headerAddresses(message.headers, 'to', 'cc');
  if (!options.to && direction === 'INBOUND' && options.orgDomains.length) {
    recipients = recipients.filter((r) => isInternal(r, options.orgDomains));
  }
  if (!recipients.length) recipients = [`user@${options.orgDomains[0] ?? 'example.com'}`];
  return { direction, mailFrom, recipients };
}
