import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createLogger, requestIdFor, scrub, withRequestScope } from './log.js';
import { operationLabel } from './metrics.js';

function capture(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }, 'info');
  return { lines, logger };
}

describe('the structured log', () => {
  it('scrubs credentials, IIN-like numbers and e-mail addresses from any text', () => {
    expect(scrub('Bearer kzh_abcDEF123-_x for 900101300123 and a.b+c@mail.kz')).toBe('Bearer [redacted] for [iin] and [email]');
    expect(scrub('token kzh_abc, BIN 123456789012; 1234567890123 is not one')).toBe('token [token], BIN [iin]; 1234567890123 is not one');
  });

  it('redacts sensitive keys by name and scrubs messages and string values', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        headers: { authorization: 'Bearer kzh_x', 'x-housing-caller': 'v1.signed' },
        owner: { holderIin: '900101300123', holderName: 'Айгуль' },
        note: 'mail me@example.kz',
      },
      'failed for 900101300123',
    );
    const [line] = lines;
    expect(line).toMatchObject({
      headers: { authorization: '[redacted]', 'x-housing-caller': '[redacted]' },
      owner: { holderIin: '[redacted]', holderName: '[redacted]' },
      note: 'mail [email]',
      msg: 'failed for [iin]',
    });
  });

  it('adds the request id and service of the request in scope to every line', () => {
    const { lines, logger } = capture();
    withRequestScope({ requestId: 'r-1', service: 'buildings' }, () => logger.warn('inside'));
    logger.warn('outside');
    expect(lines[0]).toMatchObject({ requestId: 'r-1', service: 'buildings', msg: 'inside' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('takes a short, safe x-request-id and replaces any other', () => {
    const request = (value?: string) => ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;
    expect(requestIdFor(request('abc-123_X.y:z'))).toBe('abc-123_X.y:z');
    for (const bad of [undefined, '', 'a'.repeat(65), 'a b', 'a\nb', '<x>', 'é'])
      expect(requestIdFor(request(bad))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('operation labels', () => {
  it('keeps GraphQL names up to 64 characters and bounds the distinct ones', () => {
    expect(operationLabel('unit', 'Buildings')).toBe('Buildings');
    expect(operationLabel('unit', undefined)).toBe('other');
    expect(operationLabel('unit', 'x'.repeat(65))).toBe('other');
    expect(operationLabel('unit', 'not a name')).toBe('other');
    for (let index = 0; index < 300; index += 1) operationLabel('bounded', `Op${index}`);
    expect(operationLabel('bounded', 'Op10')).toBe('Op10');
    expect(operationLabel('bounded', 'Op299')).toBe('other');
  });
});
