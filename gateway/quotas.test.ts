import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressBlock, clientAddress, Quotas, quotaHeaders } from './quotas.js';

const from = (remoteAddress: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('client addresses', () => {
  it('counts IPv4 as it is, IPv6 per /64, IPv4-mapped IPv6 as IPv4', () => {
    expect(addressBlock('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBlock('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBlock('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBlock('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('takes the peer without trusted proxies, and the entry left of each trusted proxy with them', () => {
    expect(clientAddress(from('198.51.100.1', '203.0.113.7'), 0)).toBe('198.51.100.1');
    expect(clientAddress(from('10.0.0.2', '203.0.113.7'), 1)).toBe('203.0.113.7');
    // What the client wrote itself, left of what the proxy appended, is ignored.
    expect(clientAddress(from('10.0.0.2', 'spoofed, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(from('10.0.0.2', '203.0.113.7, 10.0.0.9'), 2)).toBe('203.0.113.7');
    // Fewer entries than proxies: the left-most there is.
    expect(clientAddress(from('10.0.0.2'), 1)).toBe('10.0.0.2');
  });
});

describe('Quotas', () => {
  it('charges points per caller and class, refuses past the budget, and says when it resets', async () => {
    const quotas = new Quotas({ windowSeconds: 60, points: { anonymous: 10, person: 100, machine: 1000 } });
    const a = { callerClass: 'anonymous' as const, id: '203.0.113.7' };
    expect(await quotas.charge(a, 4)).toMatchObject({ allowed: true, limit: 10, remaining: 6 });
    expect(await quotas.charge(a, 6)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await quotas.charge(a, 1);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThan(0);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
    expect(Object.fromEntries(quotaHeaders(refused))).toEqual({
      'ratelimit-limit': '10',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(refused.resetSeconds),
      'ratelimit-policy': '10;w=60',
      'retry-after': String(refused.resetSeconds),
    });
    // Another address, and the same id in another class, have budgets of their own.
    expect(await quotas.charge({ callerClass: 'anonymous', id: '203.0.113.8' }, 1)).toMatchObject({ allowed: true, remaining: 9 });
    expect(await quotas.charge({ callerClass: 'person', id: '203.0.113.7' }, 1)).toMatchObject({ allowed: true, remaining: 99 });
    // A charge past a whole budget takes the budget, no more; nothing charged reads the state.
    expect(await quotas.charge({ callerClass: 'machine', id: 'm' }, 5000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await quotas.charge({ callerClass: 'machine', id: 'n' }, 0)).toMatchObject({ allowed: true, remaining: 1000 });
  });
});
