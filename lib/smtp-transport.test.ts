import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpTransport } from './smtp-transport.js';

interface Received {
  auth: string | null;
  from: string;
  to: string;
  data: string;
}

/** A tiny SMTP server: enough of RFC 5321 to receive mail, and to refuse it on demand. */
function fakeSmtp(behaviour: { refuseRecipients: number; refusal?: string }) {
  const received: Received[] = [];
  const server: Server = createServer((socket) => {
    let state: Partial<Received> & { auth: string | null } = { auth: null };
    let data: string[] | null = null;
    let buffer = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        if (data) {
          if (line === '.') {
            received.push({ auth: state.auth, from: state.from ?? '', to: state.to ?? '', data: data.join('\r\n') });
            data = null;
            state = { auth: state.auth };
            socket.write('250 queued\r\n');
          } else data.push(line);
          continue;
        }
        if (line.startsWith('EHLO')) socket.write('250-fake\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n');
        else if (line.startsWith('AUTH PLAIN ')) {
          state.auth = Buffer.from(line.slice(11), 'base64').toString('utf8');
          socket.write('235 ok\r\n');
        } else if (line.startsWith('MAIL FROM:')) {
          state.from = line.slice(10);
          socket.write('250 ok\r\n');
        } else if (line.startsWith('RCPT TO:')) {
          if (behaviour.refuseRecipients > 0) {
            behaviour.refuseRecipients -= 1;
            socket.write(`${behaviour.refusal ?? '451 try again later'}\r\n`);
          } else {
            state.to = line.slice(8);
            socket.write('250 ok\r\n');
          }
        } else if (line === 'DATA') {
          data = [];
          socket.write('354 go on\r\n');
        } else if (line === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('500 unknown\r\n');
      }
    });
  });
  return { server, received };
}

describe('SmtpTransport', () => {
  const behaviour: { refuseRecipients: number; refusal?: string } = { refuseRecipients: 0 };
  const fake = fakeSmtp(behaviour);
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    port = (fake.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  });

  const message = { id: '6f1c2f2e-2f7e-4c7a-9f8e-2b0f4c1d9a10', kind: 'grant.ended', recipientEmail: 'aigerim@su.kz', subject: 'Право доступа прекращено', body: 'Строка 1\n.\nСтрока 3' };

  it('authenticates, sends one message with a stable Message-ID and a body that cannot end DATA early', async () => {
    await new SmtpTransport(`smtp://robot:s3cret@127.0.0.1:${port}`, 'noreply@housing.kz').send(message);
    const [mail] = fake.received;
    expect(mail).toMatchObject({ auth: '\0robot\0s3cret', from: '<noreply@housing.kz>', to: '<aigerim@su.kz>' });
    expect(mail?.data).toContain(`Message-ID: <${message.id}@housing.kz>`);
    expect(mail?.data).toContain(`Subject: =?UTF-8?B?${Buffer.from(message.subject).toString('base64')}?=`);
    const body = mail!.data.split('\r\n\r\n')[1]!.replace(/\r\n/g, '');
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe(message.body);
  });

  it('fails with the server\'s reply when the server refuses, so the outbox retries', async () => {
    behaviour.refuseRecipients = 1;
    const before = fake.received.length;
    await expect(new SmtpTransport(`smtp://127.0.0.1:${port}`, 'noreply@housing.kz').send(message)).rejects.toThrow('SMTP server replied 451: try again later');
    expect(fake.received).toHaveLength(before);
    await new SmtpTransport(`smtp://127.0.0.1:${port}`, 'noreply@housing.kz').send(message);
    expect(fake.received).toHaveLength(before + 1);
  });

  it('masks the address a refusing server echoes, so the stored error carries no personal data', async () => {
    behaviour.refuseRecipients = 1;
    behaviour.refusal = '550 5.1.1 <aigerim@su.kz>: Recipient address rejected';
    try {
      const error = await new SmtpTransport(`smtp://127.0.0.1:${port}`, 'noreply@housing.kz').send(message).then(() => null, (e: Error) => e);
      expect(error?.message).toBe('SMTP server replied 550: 5.1.1 <<address>>: Recipient address rejected');
    } finally {
      delete behaviour.refusal;
    }
  });

  it('refuses addresses that would inject SMTP commands or headers', async () => {
    await expect(new SmtpTransport(`smtp://127.0.0.1:${port}`, 'noreply@housing.kz').send({ ...message, recipientEmail: 'a@b.kz>\r\nRCPT TO:<x@y.kz' })).rejects.toThrow(/not allowed/);
  });

  it('fails rather than hangs when nothing listens', async () => {
    await expect(new SmtpTransport('smtp://127.0.0.1:1', 'noreply@housing.kz', { timeoutMs: 2000 }).send(message)).rejects.toThrow(/SMTP/);
  });
});
