import type { ConnectionOptions } from 'node:tls';
import { createTransport, type Transporter } from 'nodemailer';
import type { MailTransport, OutgoingMessage } from './outbox.js';

export interface SmtpTransportOptions {
  /** Gives up on a server that does not connect, greet or answer within this time. Default 30 s. */
  timeoutMs?: number;
  /** Extra TLS settings, e.g. `ca` for a server whose certificate is signed by a private CA. */
  tls?: ConnectionOptions;
}

/**
 * Sends the outbox's messages through an SMTP server, with nodemailer:
 * `smtp://user:pass@host:587` upgrades with STARTTLS when the server offers it (and fails
 * rather than send in clear when the upgrade fails), `smtps://host:465` speaks TLS from
 * the start; certificates are verified. One connection per message keeps failure handling
 * trivial: a message either was accepted after DATA or the attempt failed and the outbox
 * retries it.
 */
export class SmtpTransport implements MailTransport {
  private readonly mailer: Transporter;
  private readonly fromAddress: string;
  private readonly messageIdDomain: string;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    options: SmtpTransportOptions = {},
  ) {
    const url = new URL(smtpUrl);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://.');
    this.fromAddress = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
    if (!isSingleAddress(this.fromAddress)) throw new Error('SMTP_FROM must be one e-mail address, e.g. noreply@housing.example.kz.');
    this.messageIdDomain = this.fromAddress.split('@')[1] ?? 'localhost';
    const secure = url.protocol === 'smtps:';
    const timeoutMs = options.timeoutMs ?? 30_000;
    // Options are spelled out rather than handing nodemailer the URL: its query parameters
    // could otherwise switch on a logger that writes addresses and content to the console.
    this.mailer = createTransport({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port || (secure ? 465 : 25)),
      secure,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      tls: options.tls,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    });
  }

  async send(message: OutgoingMessage): Promise<void> {
    // One plain address only: a list or a display name would send to someone else too.
    if (!isSingleAddress(message.recipientEmail))
      throw new Error('The recipient is not a single e-mail address; correct it, then the message is retried.');
    try {
      await this.mailer.sendMail({
        from: this.from,
        to: { name: '', address: message.recipientEmail },
        envelope: { from: this.fromAddress, to: [message.recipientEmail] },
        subject: message.subject,
        text: message.body,
        // Stable across retries: a receiving system can drop a duplicate.
        messageId: `<${message.id}@${this.messageIdDomain}>`,
      });
    } catch (error) {
      // The outbox stores this message as `last_error`: it must carry no personal data, so
      // only the failure's kind and the server's reply, with addresses masked (servers often
      // echo the address they refuse: "550 5.1.1 <a@b.kz>: Recipient address rejected").
      // The original error is not attached as a cause, for the same reason.
      throw new Error(maskAddresses(describeFailure(error), message.recipientEmail));
    }
  }
}

/** A bare address: one `@`, no spaces, commas, quotes, angle brackets or control characters. */
function isSingleAddress(value: string): boolean {
  return /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/.test(value) && !/[\p{Cc}]/u.test(value);
}

function describeFailure(error: unknown): string {
  const failure = (error ?? {}) as { code?: unknown; command?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const command = typeof failure.command === 'string' ? ` to ${failure.command.split(' ')[0]}` : '';
  if (typeof failure.responseCode === 'number' && failure.responseCode > 0 && typeof failure.response === 'string') {
    const text = failure.response
      .replace(/^\d{3}[ -]?/, '')
      .replace(/\s+/g, ' ')
      .trim();
    return `SMTP server replied ${failure.responseCode}${command}: ${text}`.slice(0, 300);
  }
  const code = typeof failure.code === 'string' ? ` (${failure.code})` : '';
  const text = typeof failure.message === 'string' ? failure.message : 'unknown error';
  return `SMTP delivery failed${code}: ${text}`.slice(0, 300);
}

/** Replaces anything shaped like an address, and the recipient's own name part, with `[address]`. */
function maskAddresses(text: string, recipient: string): string {
  let masked = text.replace(/[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, '[address]');
  const localPart = recipient.split('@')[0] ?? '';
  if (localPart.length >= 2) masked = masked.replace(new RegExp(localPart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[address]');
  return masked;
}

/**
 * The mail transport configured for this deployment: SMTP when SMTP_URL is set, otherwise
 * none, and notifications stay in the outbox, listable by administrators
 * (`notifications(undeliveredOnly: true)`), their `mail.send` jobs waiting in the queue. The
 * integration subgraph's job worker sends with it (`mailTasks`, `lib/outbox.ts`), in any
 * number of processes: the queue hands each job to one of them.
 */
export function mailTransportFromConfig(config: { SMTP_URL?: string | undefined; SMTP_FROM: string }): MailTransport | null {
  return config.SMTP_URL ? new SmtpTransport(config.SMTP_URL, config.SMTP_FROM) : null;
}
