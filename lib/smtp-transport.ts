import { connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { MailTransport, OutgoingMessage } from './outbox.js';

/**
 * A minimal SMTP client (RFC 5321) for the outbox, so mail needs no new dependency:
 * `smtp://user:pass@host:587` upgrades with STARTTLS when the server offers it,
 * `smtps://host:465` speaks TLS from the start; AUTH PLAIN when credentials are given.
 * One connection per message keeps failure handling trivial: a message either got a
 * 250 after DATA or the attempt failed and the outbox retries it.
 */
export class SmtpTransport implements MailTransport {
  private readonly url: URL;
  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly options: { timeoutMs?: number; rejectUnauthorized?: boolean } = {},
  ) {
    this.url = new URL(smtpUrl);
    if (this.url.protocol !== 'smtp:' && this.url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://.');
  }

  async send(message: OutgoingMessage): Promise<void> {
    for (const value of [message.recipientEmail, this.from]) {
      if (/[\r\n<>]/.test(value)) throw new Error('An address contains characters not allowed in SMTP.');
    }
    const implicitTls = this.url.protocol === 'smtps:';
    const host = this.url.hostname;
    const port = Number(this.url.port || (implicitTls ? 465 : 25));
    const socket: Socket = implicitTls
      ? tlsConnect({ host, port, servername: host, rejectUnauthorized: this.options.rejectUnauthorized ?? true })
      : netConnect({ host, port });
    let session = new SmtpSession(socket, this.options.timeoutMs ?? 30_000);
    try {
      await session.expect(220);
      let features = await session.command(`EHLO ${ehloName()}`, 250);
      if (!implicitTls && /^STARTTLS$/im.test(features.join('\n'))) {
        await session.command('STARTTLS', 220);
        session.close();
        const secured: TLSSocket = tlsConnect({ socket, servername: host, rejectUnauthorized: this.options.rejectUnauthorized ?? true });
        session = new SmtpSession(secured, this.options.timeoutMs ?? 30_000);
        await new Promise<void>((resolve, reject) => {
          secured.once('secureConnect', resolve);
          secured.once('error', reject);
        });
        features = await session.command(`EHLO ${ehloName()}`, 250);
      }
      if (this.url.username) {
        const user = decodeURIComponent(this.url.username);
        const password = decodeURIComponent(this.url.password);
        await session.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`, 235);
      }
      await session.command(`MAIL FROM:<${this.from}>`, 250);
      await session.command(`RCPT TO:<${message.recipientEmail}>`, [250, 251]);
      await session.command('DATA', 354);
      await session.command(`${formatMessage(message, this.from)}\r\n.`, 250);
      await session.command('QUIT', 221).catch(() => {});
    } finally {
      session.close();
      socket.destroy();
    }
  }
}

function ehloName(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
}

/** RFC 2047 encoded-word for a UTF-8 header value. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** Headers and a base64 body: no line of user text can end the DATA phase or inject headers. */
export function formatMessage(message: OutgoingMessage, from: string): string {
  const domain = from.split('@')[1] ?? 'localhost';
  const body = Buffer.from(message.body, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n').trimEnd();
  return [
    `From: <${from}>`,
    `To: <${message.recipientEmail}>`,
    `Subject: ${encodeHeader(message.subject.replace(/[\r\n]+/g, ' '))}`,
    `Date: ${new Date().toUTCString()}`,
    // Stable across retries: a receiving system can drop a duplicate.
    `Message-ID: <${message.id}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

/** Reads SMTP replies (multi-line `250-…` up to `250 …`) from one socket. */
class SmtpSession {
  private buffer = '';
  private readonly replies: string[][] = [];
  private current: string[] = [];
  private waiting: { resolve: (lines: string[]) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly onData = (chunk: Buffer) => this.receive(chunk.toString('utf8'));
  private readonly onError = (error: Error) => this.fail(new Error(`SMTP connection failed: ${error.message}`));
  private readonly onClose = () => this.fail(new Error('The SMTP server closed the connection.'));

  constructor(private readonly socket: Socket, private readonly timeoutMs: number) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  close(): void {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
  }

  private receive(text: string): void {
    this.buffer += text;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.current.push(line);
      if (!/^\d{3}-/.test(line)) {
        this.replies.push(this.current);
        this.current = [];
      }
    }
    this.flush();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.flush();
  }

  private flush(): void {
    if (!this.waiting) return;
    const reply = this.replies.shift();
    if (reply) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve(reply);
    } else if (this.failure) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.reject(this.failure);
    }
  }

  private next(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error('The SMTP server did not answer in time.'));
      }, this.timeoutMs);
      this.waiting = {
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.flush();
    });
  }

  async expect(codes: number | number[]): Promise<string[]> {
    const reply = await this.next();
    const code = Number(reply.at(-1)?.slice(0, 3));
    if (!(Array.isArray(codes) ? codes : [codes]).includes(code)) {
      // The server's text only, never the message; servers often echo the address they
      // refuse ("550 <a@b.kz>: Recipient address rejected"), so addresses are masked.
      const text = (reply.at(-1) ?? '').slice(4, 200).replace(/[^\s<>@]+@[^\s<>@]+/g, '<address>');
      throw new Error(`SMTP server replied ${code}: ${text}`);
    }
    return reply.map((line) => line.slice(4));
  }

  async command(line: string, codes: number | number[]): Promise<string[]> {
    this.socket.write(`${line}\r\n`);
    return this.expect(codes);
  }
}

/**
 * The mail transport configured for this deployment: SMTP when SMTP_URL is set, otherwise
 * none, and notifications stay in the outbox, listable by administrators
 * (`notifications(undeliveredOnly: true)`). Start delivery with
 * `startOutboxWorker(db, transport)` in any number of processes: SKIP LOCKED keeps them from taking the same message.
 */
export function mailTransportFromConfig(config: { SMTP_URL?: string | undefined; SMTP_FROM: string }): MailTransport | null {
  return config.SMTP_URL ? new SmtpTransport(config.SMTP_URL, config.SMTP_FROM) : null;
}
