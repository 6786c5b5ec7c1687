import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { ProcessStatus } from '../core/index.js';
import type { ActionType, FlowDirection, RulesConfig } from '../rules/index.js';
import { collectMessage } from './collect.js';
import { allOrgDomains, directionOf, passThroughPlan, planDelivery, type DeliveryPlan, type SmtpEnvelope } from './delivery-plan.js';
import { SmtpReplyError } from './errors.js';
import { DEFAULT_JUNK_HEADER, type JunkHeader } from './junk-header.js';
import { RelaySession, type DeclaredBody, type RelayTarget } from './relay.js';

/** Default SIZE: 25 MiB (Postfix's own default `message_size_limit` is 10 MB). */
export const DEFAULT_MAX_SIZE = 25 * 1024 * 1024;
/** Default number of simultaneous client sessions. */
export const DEFAULT_MAX_CLIENTS = 20;

/** Options of {@link SmtpFilter}. */
export interface SmtpFilterOptions {
  /** The rules (load with `loadRulesFile(file, { platform: SMTP_PLATFORM })`). */
  config: RulesConfig;
  /** The next hop. */
  relay: RelayTarget;
  /** Organisation domains beyond the config's. */
  orgDomains?: readonly string[] | undefined;
  /** Certificate and key (PEM) for STARTTLS; without them STARTTLS is not offered. */
  tls?: { cert: Buffer | string; key: Buffer | string } | undefined;
  /** Largest message accepted (advertised as SIZE, enforced with 552). @default {@link DEFAULT_MAX_SIZE} */
  maxSize?: number | undefined;
  /** Most simultaneous sessions; more get 421 and retry later. @default {@link DEFAULT_MAX_CLIENTS} */
  maxClients?: number | undefined;
  /** The header MOVE_TO_JUNK sets. @default `X-Spam-Flag: YES` */
  junkHeader?: JunkHeader | undefined;
  /**
   * A rule bounced some recipients but not all: `relay` delivers to the others and answers 250
   * (the bounced recipients are reported in the log only: SMTP has no per-recipient answer after
   * DATA); `reject` answers 550 for the whole message so the sender hears of it.
   * @default 'relay'
   */
  partialBounce?: 'relay' | 'reject' | undefined;
  /**
   * An unexpected error of our own: `tempfail` answers 451 so the client retries later; `pass`
   * relays the original unchanged to every recipient.
   * @default 'tempfail'
   */
  onError?: 'tempfail' | 'pass' | undefined;
  /** Time budget for the rules per message, ms. @default 20000 */
  ruleTimeoutMs?: number | undefined;
  /** How long {@link SmtpFilter.close} waits for messages in flight, ms. @default 60000 */
  drainTimeoutMs?: number | undefined;
  /** Client inactivity timeout, ms. @default 60000 */
  socketTimeoutMs?: number | undefined;
  /** Our name in the greeting. @default the host name */
  name?: string | undefined;
  /** Receives one event per message and per unexpected error. */
  log?: ((event: SmtpFilterEvent) => void) | undefined;
}

/** What happened to one message (or an unexpected error), for logs and tests. */
export type SmtpFilterEvent =
  | {
      type: 'message';
      session: string;
      mailFrom: string;
      direction?: FlowDirection | undefined;
      /** The core step's status, `failed` when it threw. */
      status: ProcessStatus | 'failed' | 'too-big';
      decisions: { recipient: string; action: ActionType }[];
      /** Recipients a rule bounced, with the bounce text. */
      bounced: { recipient: string; message: string }[];
      /** Recipients the next hop accepted. */
      relayed: string[];
      /** Recipients the next hop refused at RCPT TO although others were accepted. */
      refused: { recipient: string; responseCode: number; response: string }[];
      reply: { code: number; text: string };
      reasons: string[];
      ms: number;
    }
  | { type: 'error'; session?: string | undefined; error: string };

/**
 * `wmflow smtp`: an after-queue SMTP content filter. Receives with smtp-server, runs every
 * message through the same core step as the Lambda, relays the result (raw bytes, the envelope
 * as received) with nodemailer's SMTP client, and answers the client only after the next hop
 * answered: 250 when it accepted, its 5xx as 5xx, anything temporary as 4xx. Rule decisions:
 * BOUNCE for everyone → 550 with the bounce text; DROP → 250, nothing relayed; MOVE_TO_JUNK →
 * the junk header spliced in; DEFAULT / BYPASS_SPAM_CHECK → relayed.
 */
export class SmtpFilter {
  private readonly server: SMTPServer;
  private readonly relays = new Map<string, RelaySession>();
  /** Client sessions still connected: a relay session outliving its client is closed. */
  private readonly openSessions = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxSize: number;
  private draining = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SmtpFilterOptions) {
    this.maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
    const tls = options.tls;
    this.server = new SMTPServer({
      ...(options.name ? { name: options.name } : {}),
      banner: 'wmflow content filter',
      size: this.maxSize,
      rejectOversized: true,
      maxClients: options.maxClients ?? DEFAULT_MAX_CLIENTS,
      // A content filter behind the MTA: no AUTH, and STARTTLS only with a certificate given.
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(tls ? { cert: tls.cert, key: tls.key } : {}),
      maxAllowedUnauthenticatedCommands: false,
      disableReverseLookup: true,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      // Only idle sessions are left when smtp-server's own close runs (see close()).
      closeTimeout: 2_000,
      logger: false,
      onConnect: (session, callback) => {
        if (this.draining) return callback(shuttingDown());
        this.openSessions.add(session.id);
        callback();
      },
      onMailFrom: (_address, _session, callback) => callback(this.draining ? shuttingDown() : null),
      onData: (stream, session, callback) => {
        const job = this.handle(stream, session).then(
          (text) => callback(null, text),
          (err: unknown) => callback(err as Error),
        );
        this.inFlight.add(job);
        void job.finally(() => this.inFlight.delete(job));
      },
      onClose: (session) => {
        this.openSessions.delete(session.id);
        this.relays.get(session.id)?.close();
        this.relays.delete(session.id);
      },
    });
    this.server.on('error', (err: Error) => this.options.log?.({ type: 'error', error: err.message }));
  }

  /** Starts listening; resolves with the address (port 0 picks a free one). */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.server.off('error', reject);
        resolve(this.address());
      });
    });
  }

  /** Where the filter listens. */
  address(): AddressInfo {
    return this.server.server.address() as AddressInfo;
  }

  /** Messages being received, processed or relayed right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Graceful shutdown (SIGTERM): new connections and new transactions get 421, messages in flight
   * finish and get their answer (for at most `drainTimeoutMs`), then idle sessions get 421 and
   * the listener closes.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.draining = true;
    this.closing = (async () => {
      const deadline = Date.now() + (this.options.drainTimeoutMs ?? 60_000);
      while (this.inFlight.size && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...this.inFlight]), sleep(Math.max(0, deadline - Date.now()))]);
      }
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const relay of this.relays.values()) relay.close();
      this.relays.clear();
    })();
    return this.closing;
  }

  /** One message: collect, plan, relay; resolves with the 250 text or throws the error reply. */
  private async handle(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const started = performance.now();
    const envelope: SmtpEnvelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      recipients: session.envelope.rcptTo.map((r) => r.address),
    };
    const event = {
      type: 'message' as const,
      session: session.id,
      mailFrom: envelope.mailFrom,
      decisions: [] as { recipient: string; action: ActionType }[],
      bounced: [] as { recipient: string; message: string }[],
      relayed: [] as string[],
      refused: [] as { recipient: string; responseCode: number; response: string }[],
      reasons: [] as string[],
    };
    const finish = (status: ProcessStatus | 'failed' | 'too-big', code: number, text: string, direction?: FlowDirection) =>
      this.options.log?.({ ...event, status, direction, reply: { code, text }, ms: performance.now() - started });

    const collected = await collectMessage(stream, this.maxSize);
    if (collected.exceeded || stream.sizeExceeded) {
      const err = new SmtpReplyError('SMTP_TOO_BIG', 552, `5.3.4 Message exceeds fixed maximum message size ${this.maxSize}`);
      finish('too-big', err.responseCode, err.message);
      throw err;
    }
    const { bytes } = collected;
    const orgDomains = allOrgDomains(this.options.config, this.options.orgDomains);
    let plan: DeliveryPlan;
    let status: ProcessStatus | 'failed';
    try {
      plan = await planDelivery(bytes, envelope, {
        config: this.options.config,
        orgDomains,
        junkHeader: this.options.junkHeader ?? DEFAULT_JUNK_HEADER,
        timeoutMs: this.options.ruleTimeoutMs,
      });
      status = plan.outcome?.status ?? 'failed';
      event.reasons = plan.outcome?.reasons ?? [];
    } catch (err) {
      this.options.log?.({ type: 'error', session: session.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      if ((this.options.onError ?? 'tempfail') === 'tempfail') {
        const reply = new SmtpReplyError('SMTP_INTERNAL', 451, '4.3.0 wmflow could not process the message, try again later', { cause: err });
        finish('failed', reply.responseCode, reply.message);
        throw reply;
      }
      plan = passThroughPlan(bytes, envelope, directionOf(envelope.mailFrom, orgDomains));
      status = 'failed';
    }
    event.decisions = plan.decisions;
    event.bounced = plan.bounced;

    try {
      const text = await this.deliver(plan, envelope, session, event);
      finish(status, 250, text, plan.direction);
      return text;
    } catch (err) {
      const reply =
        err instanceof SmtpReplyError
          ? err
          : new SmtpReplyError('SMTP_INTERNAL', 451, '4.3.0 wmflow could not relay the message, try again later', { cause: err });
      finish(status, reply.responseCode, reply.message, plan.direction);
      throw reply;
    }
  }

  /** Carries out a plan; resolves with the 250 text, or throws the reply for the client. */
  private async deliver(
    plan: DeliveryPlan,
    envelope: SmtpEnvelope,
    session: SMTPServerSession,
    event: { relayed: string[]; refused: { recipient: string; responseCode: number; response: string }[] },
  ): Promise<string> {
    const bounceText = () => [...new Set(plan.bounced.map((b) => b.message))].join(' ');
    const allBounced = plan.bounced.length > 0 && plan.bounced.length === envelope.recipients.length;
    if (allBounced || (plan.bounced.length && this.options.partialBounce === 'reject')) {
      throw new SmtpReplyError('SMTP_BOUNCE', 550, `5.7.1 ${bounceText()}`);
    }
    if (!plan.deliveries.length) {
      return plan.bounced.length
        ? `2.0.0 Ok: not delivered (bounced by rule for ${plan.bounced.length} recipient(s), dropped for the others)`
        : '2.0.0 Ok: dropped by rule';
    }
    let relay = this.relays.get(session.id);
    if (!relay) {
      relay = new RelaySession(this.options.relay);
      this.relays.set(session.id, relay);
    }
    const declared: DeclaredBody = { eightBitMime: session.envelope.bodyType === '8bitmime', smtpUtf8: !!session.envelope.smtpUtf8 };
    const responses: string[] = [];
    try {
      for (const delivery of plan.deliveries) {
        const result = await relay.send(envelope.mailFrom, delivery.recipients, delivery.bytes, declared);
        event.relayed.push(...result.accepted);
        event.refused.push(...result.rejected);
        responses.push(result.response);
      }
    } finally {
      if (!this.openSessions.has(session.id)) {
        relay.close();
        this.relays.delete(session.id);
      }
    }
    if (event.refused.length) {
      // Delivered to some: a 4xx brings duplicates for them on retry, a 5xx a bounce naming
      // everyone; both beat losing the refused recipients silently behind a 250.
      const temporary = event.refused.some((r) => r.responseCode < 500);
      const list = event.refused.map((r) => `${r.recipient} (${r.response.replace(/[\r\n]+/g, ' ')})`).join(', ');
      throw new SmtpReplyError(
        temporary ? 'SMTP_RELAY_TEMPFAIL' : 'SMTP_RELAY_REFUSED',
        temporary ? 451 : 550,
        `${temporary ? '4.4.0' : '5.1.0'} next hop refused ${list}; delivered to ${event.relayed.length} other recipient(s)`,
      );
    }
    const notes = [
      plan.bounced.length ? `bounced by rule for ${plan.bounced.length}` : '',
      plan.dropped.length ? `dropped for ${plan.dropped.length}` : '',
    ].filter(Boolean);
    return `2.0.0 Ok: relayed${notes.length ? ` (${notes.join(', ')})` : ''}; next hop said: ${responses.join(' / ').replace(/[\r\n]+/g, ' ')}`;
  }
}

function shuttingDown(): Error {
  return Object.assign(new Error('4.3.2 wmflow is shutting down, try again later'), { responseCode: 421 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
