import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Who spends a budget: the anonymous open part per client address, persons and machines per identity. */
export type CallerClass = 'anonymous' | 'person' | 'machine';

export interface QuotaOptions {
  /** Length of one window, in seconds; a caller's spent points return all at once when it ends. */
  windowSeconds: number;
  /** Cost points (gateway/cost.ts) each caller of the class may spend per window. */
  points: Record<CallerClass, number>;
}

/** Whose budget a request is charged to. */
export interface QuotaKey {
  callerClass: CallerClass;
  /** The client address block (anonymous), the person's or the digital object's id. */
  id: string;
}

/** A budget after a charge: what the `RateLimit-*` headers say. */
export interface QuotaState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the budget is whole again. */
  resetSeconds: number;
  windowSeconds: number;
}

/**
 * Per-caller budgets of cost points, one fixed window per caller (rate-limiter-flexible's
 * in-memory limiter, one per caller class). Each gateway process keeps its own counters:
 * with N replicas a caller may spend N budgets; the library's Redis or PostgreSQL limiters
 * take the same options when the counters must be shared.
 */
export class Quotas {
  private readonly limiters: Record<CallerClass, RateLimiterMemory>;

  constructor(readonly options: QuotaOptions) {
    const limiter = (points: number) => new RateLimiterMemory({ points, duration: options.windowSeconds, keyPrefix: '' });
    this.limiters = {
      anonymous: limiter(options.points.anonymous),
      person: limiter(options.points.person),
      machine: limiter(options.points.machine),
    };
  }

  /**
   * Charges `points` to the caller's budget. A request costing more than a whole budget is
   * charged the whole budget, so it passes at the start of a window rather than never. A
   * refused request is charged too: hammering does not refill anything.
   */
  async charge(key: QuotaKey, points: number): Promise<QuotaState> {
    const limit = this.options.points[key.callerClass];
    const limiter = this.limiters[key.callerClass];
    const charged = Math.min(Math.max(0, Math.ceil(points)), limit);
    if (charged === 0) {
      const current = await limiter.get(key.id);
      return this.state(true, limit, current);
    }
    try {
      return this.state(true, limit, await limiter.consume(key.id, charged));
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return this.state(false, limit, refusal);
      throw refusal;
    }
  }

  private state(allowed: boolean, limit: number, result: RateLimiterRes | null): QuotaState {
    return {
      allowed,
      limit,
      remaining: result ? Math.max(0, result.remainingPoints) : limit,
      resetSeconds: result ? Math.max(1, Math.ceil(result.msBeforeNext / 1000)) : this.options.windowSeconds,
      windowSeconds: this.options.windowSeconds,
    };
  }
}

/**
 * The IETF draft's `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
 * `RateLimit-Policy` (limit;w=window), and `Retry-After` when refused.
 */
export function quotaHeaders(state: QuotaState): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['ratelimit-limit', String(state.limit)],
    ['ratelimit-remaining', String(state.remaining)],
    ['ratelimit-reset', String(state.resetSeconds)],
    ['ratelimit-policy', `${state.limit};w=${state.windowSeconds}`],
  ];
  if (!state.allowed) headers.push(['retry-after', String(state.resetSeconds)]);
  return headers;
}

/**
 * The client's address as the budget of the open part knows it. Behind `trustedProxies`
 * reverse proxies, each of which appends the address it was called from to
 * `X-Forwarded-For`, the client is that many entries left of the connection's peer;
 * entries further left are whatever the client wrote and are ignored. IPv6 clients are
 * counted per /64, the block one subscriber usually holds.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: number): string {
  const forwarded =
    trustedProxies > 0
      ? String(request.headers['x-forwarded-for'] ?? '')
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : [];
  const chain = [...forwarded, request.socket.remoteAddress ?? 'unknown'];
  const address = chain[Math.max(0, chain.length - 1 - trustedProxies)] ?? 'unknown';
  return addressBlock(address);
}

/** An IPv4 address as it is; an IPv6 address as its /64 prefix (IPv4-mapped ones as IPv4). */
export function addressBlock(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(plain)) return plain;
  const [head = '', tail] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group || '0', 16).toString(16))
    .join(':')}::/64`;
}
