import net from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { parseRulesConfig, type RulesConfig } from '../../lib/rules/index.js';
import { SMTP_PLATFORM, SmtpFilter, type SmtpFilterEvent, type SmtpFilterOptions } from '../../lib/smtp/index.js';

/** One message as the sink (the next hop) received it. */
export interface SinkMessage {
  mailFrom: string;
  recipients: string[];
  bytes: Buffer;
  bodyType: string | undefined;
  smtpUtf8: boolean;
}

/** The next hop: an smtp-server that records envelopes and raw bytes. */
export interface Sink {
  port: number;
  messages: SinkMessage[];
  /** Sessions opened to the sink so far. */
  sessions: () => number;
  server: SMTPServer;
  close(): Promise<void>;
}

/** What the sink answers. */
export interface SinkBehaviour {
  /** Reply to DATA with this error instead of 250. */
  dataError?: { code: number; message: string } | undefined;
  /** Refuse these recipients at RCPT TO. */
  refuse?: Record<string, { code: number; message: string }> | undefined;
  /** Hold the DATA reply this long (ms). */
  delayMs?: number | undefined;
  /** Extra smtp-server options (hide8BITMIME, hideSMTPUTF8, …). */
  server?: Partial<SMTPServerOptions> | undefined;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** Starts a sink on 127.0.0.1 with an ephemeral port. */
export async function startSink(behaviour: SinkBehaviour = {}): Promise<Sink> {
  const messages: SinkMessage[] = [];
  let sessions = 0;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxAllowedUnauthenticatedCommands: false,
    ...behaviour.server,
    onConnect(_session, callback) {
      sessions++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = behaviour.refuse?.[address.address];
      callback(refusal ? smtpError(refusal.code, refusal.message) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const reply = () => {
          if (behaviour.dataError) return callback(smtpError(behaviour.dataError.code, behaviour.dataError.message));
          messages.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            recipients: session.envelope.rcptTo.map((r) => r.address),
            bytes: Buffer.concat(chunks),
            bodyType: session.envelope.bodyType,
            smtpUtf8: !!session.envelope.smtpUtf8,
          });
          callback(null, `queued as sink-${messages.length}`);
        };
        if (behaviour.delayMs) setTimeout(reply, behaviour.delayMs);
        else reply();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, messages, sessions: () => sessions, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Rules from JSON, loaded for the SMTP platform. */
export function rules(json: unknown): RulesConfig {
  return parseRulesConfig(json, { platform: SMTP_PLATFORM });
}

/** A running filter in front of `relayPort`, with the events it logged. */
export async function startFilter(
  config: RulesConfig,
  relayPort: number,
  options: Partial<SmtpFilterOptions> = {},
): Promise<{ filter: SmtpFilter; port: number; events: SmtpFilterEvent[] }> {
  const events: SmtpFilterEvent[] = [];
  const filter = new SmtpFilter({ config, relay: { host: '127.0.0.1', port: relayPort }, log: (e) => events.push(e), ...options });
  const at = await filter.listen(0, '127.0.0.1');
  return { filter, port: at.port, events };
}

/** The result of one send through nodemailer's SMTP client. */
export type SendResult = { ok: true; info: SMTPConnection.SentMessageInfo } | { ok: false; responseCode: number | undefined; response: string; error: Error };

/** Sends raw bytes with nodemailer's SMTP client (a fresh connection per call unless one is given). */
export async function send(
  port: number,
  from: string,
  to: string[],
  bytes: Buffer,
  options: { use8BitMime?: boolean; connection?: SMTPConnection; tls?: SMTPConnection.Options } = {},
): Promise<SendResult> {
  const connection = options.connection ?? (await connect(port, options.tls));
  try {
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
      connection.send({ from, to, use8BitMime: options.use8BitMime ?? false }, bytes, (err, result) => (err ? reject(err) : resolve(result!))),
    );
    return { ok: true, info };
  } catch (err) {
    const e = err as Error & { responseCode?: number; response?: string };
    return { ok: false, responseCode: e.responseCode, response: e.response ?? e.message, error: e };
  } finally {
    if (!options.connection) connection.close();
  }
}

/** An open nodemailer client connection to the filter. */
export async function connect(port: number, tls: SMTPConnection.Options = {}): Promise<SMTPConnection> {
  const connection = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true, logger: false, ...tls });
  connection.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    connection.once('error', reject);
    connection.connect((err) => (err ? reject(err) : resolve()));
  });
  return connection;
}

/**
 * What nodemailer's client puts on the wire for `bytes`, dot-stuffing undone: every line break
 * CRLF, and a final CRLF before the terminating dot. Written independently of nodemailer.
 */
export function onTheWire(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
}

/** A raw SMTP dialogue over a socket: write lines, read replies. */
export class RawClient {
  private buffer = '';
  private waiting: (() => void) | undefined;
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Reads `count` complete replies (multi-line replies count once). */
  async replies(count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const done: string[] = [];
      let current = '';
      let used = 0;
      for (let i = 0; i < lines.length - 1; i++) {
        const line = lines[i]!;
        current += (current ? '\n' : '') + line;
        if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
          done.push(current);
          current = '';
          used = i + 1;
          if (done.length === count) break;
        }
      }
      if (done.length >= count) {
        this.buffer = lines.slice(used).join('\r\n');
        return done;
      }
      if (Date.now() > deadline) throw new Error(`expected ${count} replies, have: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
