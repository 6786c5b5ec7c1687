import type { ConnectionOptions } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpReplyError } from './errors.js';

/** Where relayed mail goes: the next hop (Postfix's second smtpd, conventionally 127.0.0.1:10026). */
export interface RelayTarget {
  host: string;
  port: number;
  /**
   * `none`: never STARTTLS (loopback); `opportunistic`: when offered; `required`: fail (4xx) without.
   * @default 'none'
   */
  tls?: 'none' | 'opportunistic' | 'required' | undefined;
  /** Options for the TLS handshake (CA, servername, …). */
  tlsOptions?: ConnectionOptions | undefined;
  /** The name we give in EHLO. @default the host name */
  name?: string | undefined;
  /** Connect and greeting timeout, ms. @default 10000 */
  connectTimeoutMs?: number | undefined;
  /** Inactivity timeout while talking to the next hop, ms. @default 120000 */
  socketTimeoutMs?: number | undefined;
}

/** What the client declared for the message (RFC 6152, RFC 6531). */
export interface DeclaredBody {
  /** MAIL FROM carried BODY=8BITMIME. */
  eightBitMime: boolean;
  /** MAIL FROM carried SMTPUTF8. */
  smtpUtf8: boolean;
}

/** The next hop took the message for these recipients (and refused the others, if any). */
export interface RelayAccepted {
  accepted: string[];
  /** Recipients the next hop refused at RCPT TO, with its reply. */
  rejected: { recipient: string; responseCode: number; response: string }[];
  /** The next hop's final reply to the message. */
  response: string;
}

/** The extensions we care about, from an EHLO reply (`250-PIPELINING` → `PIPELINING`). */
export function ehloKeywords(reply: string): Set<string> {
  return new Set(
    reply
      .split(/\r?\n/)
      .slice(1)
      .map((line) =>
        line
          .replace(/^\d{3}[ -]/, '')
          .trim()
          .split(/[\s=]/)[0]!
          .toUpperCase(),
      )
      .filter(Boolean),
  );
}

/**
 * One SMTP client connection to the next hop, held by one client session of the filter (SMTP
 * is sequential, so it carries one message at a time) and reused for its messages. Relays raw
 * bytes with nodemailer's SMTP client: MAIL FROM and RCPT TO exactly as given, the bytes
 * dot-stuffed on the way out and otherwise unchanged (nodemailer's client turns a bare CR or LF
 * into CRLF: SMTP has no other line break, and it closes the SMTP-smuggling hole). Failures are
 * {@link SmtpReplyError}s: the next hop's 5xx as 5xx with its text, its 4xx, a lost connection
 * or a time-out as 4xx.
 */
export class RelaySession {
  private connection: SMTPConnection | undefined;
  private extensions = new Set<string>();

  constructor(private readonly target: RelayTarget) {}

  /** Sends one message; resolves when the next hop accepted it for at least one recipient. */
  async send(from: string, to: readonly string[], bytes: Buffer, declared: DeclaredBody): Promise<RelayAccepted> {
    const connection = await this.connect();
    const eightBit = hasEightBit(bytes);
    if (eightBit && !this.extensions.has('8BITMIME')) {
      throw new SmtpReplyError('SMTP_8BITMIME_UNSUPPORTED', 554, '5.6.3 The next hop does not support 8BITMIME and wmflow does not convert 8-bit messages');
    }
    if ((declared.smtpUtf8 || !isAscii(from) || to.some((r) => !isAscii(r))) && !this.extensions.has('SMTPUTF8')) {
      throw new SmtpReplyError(
        'SMTP_SMTPUTF8_UNSUPPORTED',
        553,
        '5.6.7 The next hop does not support SMTPUTF8 and wmflow does not downgrade internationalised mail',
      );
    }
    try {
      const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
        connection.send({ from, to: [...to], use8BitMime: eightBit || declared.eightBitMime, size: bytes.length }, bytes, (err, result) =>
          err ? reject(err) : resolve(result!),
        ),
      );
      return {
        accepted: info.accepted,
        rejected: (info.rejected ?? []).map((recipient, i) => {
          const err = info.rejectedErrors?.[i];
          return { recipient, responseCode: err?.responseCode ?? 550, response: err?.response ?? err?.message ?? 'refused' };
        }),
        response: info.response,
      };
    } catch (err) {
      // After a failed transaction the session state is unknown: start afresh next time.
      this.close();
      throw relayFailure(err);
    }
  }

  /** Ends the connection politely (QUIT), if there is one. */
  close(): void {
    const c = this.connection;
    this.connection = undefined;
    if (!c) return;
    c.removeAllListeners('error');
    c.on('error', () => undefined);
    try {
      c.quit();
    } catch {
      c.close();
    }
  }

  private async connect(): Promise<SMTPConnection> {
    // Cleared on 'end', which nodemailer emits whenever the connection goes (error, time-out, QUIT).
    if (this.connection) return this.connection;
    const t = this.target;
    const tls = t.tls ?? 'none';
    const connection = new SMTPConnection({
      host: t.host,
      port: t.port,
      ignoreTLS: tls === 'none',
      requireTLS: tls === 'required',
      opportunisticTLS: tls === 'opportunistic',
      ...(t.tlsOptions ? { tls: t.tlsOptions } : {}),
      ...(t.name ? { name: t.name } : {}),
      connectionTimeout: t.connectTimeoutMs ?? 10_000,
      greetingTimeout: t.connectTimeoutMs ?? 10_000,
      socketTimeout: t.socketTimeoutMs ?? 120_000,
      logger: false,
    });
    // Errors after the handshake also arrive as send() failures; this keeps them from crashing.
    connection.on('error', () => undefined);
    connection.once('end', () => {
      if (this.connection === connection) this.connection = undefined;
    });
    try {
      // nodemailer reports a failed connection as an 'error' event (or just 'end'), not to the callback.
      await new Promise<void>((resolve, reject) => {
        connection.once('error', reject);
        connection.once('end', () => reject(Object.assign(new Error('connection closed before the greeting'), { code: 'ECONNECTION' })));
        connection.connect((err) => (err ? reject(err) : resolve()));
      });
    } catch (err) {
      connection.close();
      throw relayFailure(err);
    }
    this.extensions = ehloKeywords(typeof connection.lastServerResponse === 'string' ? connection.lastServerResponse : '');
    this.connection = connection;
    return connection;
  }
}

function hasEightBit(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return true;
  return false;
}

function isAscii(text: string): boolean {
  return !/[^\x00-\x7f]/.test(text);
}

/** A nodemailer client error as the reply for our own client. */
export function relayFailure(err: unknown): SmtpReplyError {
  if (err instanceof SmtpReplyError) return err;
  const e = err as {
    responseCode?: number;
    response?: string;
    message?: string;
    code?: string;
    rejectedErrors?: { responseCode?: number; response?: string }[];
  };
  // All recipients refused: the strongest answer is the first temporary one, else the last.
  const rejected = e.rejectedErrors?.length
    ? (e.rejectedErrors.find((r) => (r.responseCode ?? 0) < 500) ?? e.rejectedErrors[e.rejectedErrors.length - 1])
    : undefined;
  const code = rejected?.responseCode ?? e.responseCode;
  const said = (rejected?.response ?? e.response ?? '').replace(/^\d{3}[ -]/, '');
  // Keep the next hop's enhanced status code in front, where readers of the bounce look for it.
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3}) +/.exec(said);
  const text = enhanced ? said.slice(enhanced[0].length) : said;
  if (code && code >= 500 && code < 600) {
    return new SmtpReplyError('SMTP_RELAY_REFUSED', code, `${enhanced?.[1] ?? '5.0.0'} next hop refused the message: ${text || e.message}`, { cause: err });
  }
  if (e.code === 'EMESSAGE' && !code) return new SmtpReplyError('SMTP_RELAY_REFUSED', 552, `5.3.4 next hop refused the message: ${e.message}`, { cause: err });
  // 421 would make our server close the session; the client only needs "try again later".
  const temp = code && code >= 400 && code < 500 && code !== 421 ? code : 451;
  const why = text || `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  return new SmtpReplyError('SMTP_RELAY_TEMPFAIL', temp, `${enhanced?.[1] ?? '4.4.0'} next hop unavailable, try again later (${why})`, { cause: err });
}
