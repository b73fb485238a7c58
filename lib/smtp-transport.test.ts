import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../test/support/self-signed-certificate.js';
import { mailTransportFromConfig, SmtpTransport } from './smtp-transport.js';

interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  user: string | null;
  secure: boolean;
  raw: string;
}

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps what it accepts and refuses recipients on demand. */
async function startSmtpServer(options: SMTPServerOptions = {}) {
  const received: Received[] = [];
  const refusals: Array<{ code: number; text: string }> = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: options.key ? [] : ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'robot' && auth.password === 's3cret') callback(null, { user: 'robot' });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const refusal = refusals.shift();
      callback(refusal ? Object.assign(new Error(refusal.text), { responseCode: refusal.code }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: typeof session.user === 'string' ? session.user : null,
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null);
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, refusals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Headers (unfolded, RFC 2047 words decoded) and the decoded text body of a received message. */
function parseMail(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const content = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(content.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(content.replace(/=\r\n/g, ''))
        : Buffer.from(content);
  return { headers, body: bytes.toString('utf8').replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_word, kind: string, text: string) =>
      (kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '))).toString('utf8'),
    );
}

function decodeQuotedPrintable(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i] ?? ''));
  }
  return Buffer.from(bytes);
}

const message = {
  id: '6f1c2f2e-2f7e-4c7a-9f8e-2b0f4c1d9a10',
  kind: 'grant.ended',
  recipientEmail: 'aigerim@su.kz',
  subject: 'Право доступа прекращено',
  body: 'Строка 1\n.\nСтрока 3',
};

/** No trace of the recipient: neither an address nor the name part of hers. */
function expectNoAddress(text: string | undefined) {
  expect(text).toBeDefined();
  expect(text).not.toMatch(/@/);
  expect(text?.toLowerCase()).not.toContain('aigerim');
}

describe('SmtpTransport, against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());
  beforeEach(() => {
    smtp.received.length = 0;
    smtp.refusals.length = 0;
  });

  it('delivers one message with its sender, recipient, subject, body and a Message-ID stable across retries', async () => {
    const transport = mailTransportFromConfig({ SMTP_URL: `smtp://robot:s3cret@127.0.0.1:${smtp.port}`, SMTP_FROM: 'noreply@housing.kz' });
    await transport!.send(message);
    await transport!.send(message); // a retry after a lost acknowledgement
    expect(smtp.received).toHaveLength(2);
    const [first, retry] = smtp.received.map((mail) => ({ ...mail, ...parseMail(mail.raw) }));
    expect(first).toMatchObject({ envelopeFrom: 'noreply@housing.kz', envelopeTo: ['aigerim@su.kz'], user: 'robot', secure: false });
    expect(first?.headers.get('from')).toBe('noreply@housing.kz');
    expect(first?.headers.get('to')).toBe('aigerim@su.kz');
    expect(first?.headers.get('subject')).toBe(message.subject);
    expect(first?.headers.get('message-id')).toBe(`<${message.id}@housing.kz>`);
    expect(first?.body).toBe(message.body);
    expect(retry?.headers.get('message-id')).toBe(first?.headers.get('message-id'));
  });

  it('fails with an error that names no address when the server refuses the recipient', async () => {
    smtp.refusals.push({ code: 550, text: '5.1.1 <aigerim@su.kz>: Recipient address rejected; user aigerim unknown' });
    const error = await new SmtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'noreply@housing.kz').send(message).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^SMTP server replied 550 to RCPT: 5\.1\.1 /);
    expectNoAddress(error?.message);
    expect(error?.cause).toBeUndefined();
    expect(smtp.received).toHaveLength(0);
  });

  it('fails on a temporary refusal, so the outbox retries, and the retry is delivered', async () => {
    smtp.refusals.push({ code: 451, text: '4.7.1 Try again later' });
    const transport = new SmtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'noreply@housing.kz');
    await expect(transport.send(message)).rejects.toThrow('SMTP server replied 451 to RCPT: 4.7.1 Try again later');
    await transport.send(message);
    expect(smtp.received).toHaveLength(1);
  });

  it('fails when the credentials are refused, without echoing them', async () => {
    const error = await new SmtpTransport(`smtp://robot:wrong-password@127.0.0.1:${smtp.port}`, 'noreply@housing.kz').send(message).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/535/);
    expect(error?.message).not.toContain('wrong-password');
    expect(smtp.received).toHaveLength(0);
  });

  it('refuses a recipient that is not one plain address, naming none', async () => {
    const transport = new SmtpTransport(`smtp://127.0.0.1:${smtp.port}`, 'noreply@housing.kz');
    for (const recipientEmail of ['a@b.kz>\r\nRCPT TO:<x@y.kz', 'aigerim@su.kz, x@y.kz', 'Someone <x@y.kz>', 'aigerim']) {
      const error = await transport.send({ ...message, recipientEmail }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toBe('The recipient is not a single e-mail address; correct it, then the message is retried.');
    }
    expect(smtp.received).toHaveLength(0);
  });

  it('fails rather than hangs when nothing listens', async () => {
    const closed = await startSmtpServer();
    await closed.close();
    await expect(
      new SmtpTransport(`smtp://127.0.0.1:${closed.port}`, 'noreply@housing.kz', { timeoutMs: 2000 }).send(message),
    ).rejects.toThrow(/^SMTP delivery failed \(E[A-Z]+\)/);
  });

  it('stays off without SMTP_URL, and refuses a URL of another scheme', () => {
    expect(mailTransportFromConfig({ SMTP_FROM: 'noreply@housing.kz' })).toBeNull();
    expect(() => mailTransportFromConfig({ SMTP_URL: 'http://127.0.0.1:25', SMTP_FROM: 'noreply@housing.kz' })).toThrow(/smtp:\/\//);
  });
});

describe('SmtpTransport over TLS', () => {
  const { key, cert } = selfSignedCertificate();

  it('upgrades with STARTTLS when the server offers it, and verifies the certificate', async () => {
    const smtp = await startSmtpServer({ key, cert });
    try {
      await new SmtpTransport(`smtp://robot:s3cret@127.0.0.1:${smtp.port}`, 'noreply@housing.kz', { tls: { ca: cert } }).send(message);
      expect(smtp.received).toMatchObject([{ secure: true, user: 'robot', envelopeTo: ['aigerim@su.kz'] }]);
      // A certificate the client cannot verify: no fallback to plain text, nothing sent.
      await expect(new SmtpTransport(`smtp://robot:s3cret@127.0.0.1:${smtp.port}`, 'noreply@housing.kz').send(message)).rejects.toThrow(
        /^SMTP delivery failed \(E[A-Z]+\): self-signed certificate/,
      );
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('speaks TLS from the start with smtps://', async () => {
    const smtp = await startSmtpServer({ key, cert, secure: true });
    try {
      await new SmtpTransport(`smtps://127.0.0.1:${smtp.port}`, 'Жилищный фонд <noreply@housing.kz>', { tls: { ca: cert } }).send(message);
      expect(smtp.received).toMatchObject([{ secure: true, envelopeFrom: 'noreply@housing.kz' }]);
      expect(parseMail(smtp.received[0]!.raw).headers.get('message-id')).toBe(`<${message.id}@housing.kz>`);
    } finally {
      await smtp.close();
    }
  });
});
