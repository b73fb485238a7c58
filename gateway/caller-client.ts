import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HeaderMap } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { serviceUnavailable, unauthenticated } from '../lib/errors.js';

/** What the access service's `POST /caller` answers (subgraphs/access/caller-endpoint.ts). */
export interface ResolvedCaller {
  /** The header to set on subgraph requests. */
  header: string;
  /** Its value for each subgraph, by name. */
  subgraphs: Record<string, string>;
  /** For each subgraph, the key its request bodies are signed with (`signRequest`, header `x-housing-request-signature`). */
  requestKeys: Record<string, string>;
  /** Epoch milliseconds after which the values are refused. */
  expiresAt: number;
  /** Who the access service found, for the caller's quota (read from the signed values, not verified: the gateway holds no secret). */
  identity: CallerIdentity;
}

/** Whose quota a request spends: the open part's, a person's or a digital object's. */
export type CallerIdentity = { kind: 'anonymous' } | { kind: 'person' | 'machine'; id: string };

/** How many seconds a client is asked to wait when the access service cannot be reached. */
export const RETRY_AFTER_SECONDS = 5;

export interface CallerClientOptions {
  /**
   * How long an anonymous resolution is reused. Safe because an anonymous caller has
   * nothing to revoke; it must stay well under the 30 s lifetime so that a request
   * started with a reused value still has time to finish its fetches.
   */
  anonymousReuseMs?: number;
  /** Give up on the access service after this long. */
  timeoutMs?: number;
  /** Where the reason of an unavailable access service is logged (never sent to the client). */
  log?: (line: string) => void;
}

export interface CallerClient {
  /** Resolves the client's `Authorization` header (undefined: anonymous); throws UNAUTHENTICATED (401) when the access service refuses it. */
  resolve(authorization: string | undefined): Promise<ResolvedCaller>;
  close(): void;
}

/**
 * The caller could not be resolved (the access service unreachable, timing out, or
 * answering 5xx because its database is down): nothing was decided, so the client gets
 * SERVICE_UNAVAILABLE with HTTP 503 and `Retry-After`, and the reason goes to the log only
 * (it names internal addresses).
 */
function unavailable(reason: string, log: (line: string) => void): GraphQLError {
  log(`[unavailable] caller resolution: ${reason}`);
  const error = serviceUnavailable();
  // Apollo Server takes the status and headers from here (a HeaderMap) and leaves them out of the body.
  (error.extensions as Record<string, unknown>).http = {
    status: 503,
    headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]),
  };
  return error;
}

function isResolution(
  body: unknown,
): body is { header: string; subgraphs: Record<string, string>; requestKeys?: Record<string, string>; expiresAt: string } {
  const value = body as Record<string, unknown> | null;
  return (
    typeof value?.header === 'string' &&
    typeof value.expiresAt === 'string' &&
    typeof value.subgraphs === 'object' &&
    value.subgraphs !== null &&
    (value.requestKeys === undefined || (typeof value.requestKeys === 'object' && value.requestKeys !== null))
  );
}

/**
 * The gateway's client of the caller endpoint: one POST per client request over
 * kept-alive connections (a loopback or same-network round trip), nothing cached except
 * the anonymous caller for a few seconds.
 */
export function callerClient(endpoint: string, options: CallerClientOptions = {}): CallerClient {
  const url = new URL(endpoint);
  const secure = url.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const anonymousReuseMs = options.anonymousReuseMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log ?? console.error;
  let anonymous: { until: number; resolution: Promise<ResolvedCaller> } | undefined;

  function post(authorization: string | undefined): Promise<ResolvedCaller> {
    return new Promise<ResolvedCaller>((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json', 'content-length': '0' };
      if (authorization !== undefined) headers.authorization = authorization;
      const request = send(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(unavailable(error.message, log)));
        response.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(unavailable(`HTTP ${response.statusCode} without a JSON body`, log));
          }
          if (response.statusCode === 401) {
            const message = (body as { errors?: Array<{ message?: unknown }> }).errors?.[0]?.message;
            return reject(typeof message === 'string' ? unauthenticated(message) : unauthenticated());
          }
          if (response.statusCode !== 200 || !isResolution(body)) return reject(unavailable(`HTTP ${response.statusCode}`, log));
          resolve({
            header: body.header,
            subgraphs: body.subgraphs,
            // Without keys (an access service from before request signatures) requests go unsigned and subgraphs refuse them.
            requestKeys: body.requestKeys ?? {},
            expiresAt: Date.parse(body.expiresAt),
            identity: identityOf(body.subgraphs, authorization),
          });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error) => reject(unavailable(error.message, log)));
      request.end();
    });
  }

  return {
    resolve(authorization) {
      if (authorization !== undefined) return post(authorization);
      const now = Date.now();
      if (anonymous && now < anonymous.until) return anonymous.resolution;
      const resolution = post(undefined);
      const entry = { until: now + anonymousReuseMs, resolution };
      anonymous = entry;
      // A failure is not reused: the next anonymous request asks again.
      resolution.catch(() => {
        if (anonymous === entry) anonymous = undefined;
      });
      return resolution;
    },
    close: () => agent.destroy(),
  };
}

/**
 * The caller a resolution names, from the envelope of its signed values (the part before
 * the signature: base64url JSON, `lib/auth/signed-caller.ts`). Should it not parse, a
 * request with a token is counted as a person's, keyed by the token's hash.
 */
export function identityOf(subgraphs: Record<string, string>, authorization: string | undefined): CallerIdentity {
  const value = Object.values(subgraphs)[0];
  try {
    const envelope = JSON.parse(Buffer.from(value?.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      caller?: Record<string, unknown>;
    };
    const caller = envelope.caller;
    if (caller?.kind === 'anonymous') return { kind: 'anonymous' };
    if (caller?.kind === 'person' && typeof caller.personId === 'string') return { kind: 'person', id: caller.personId };
    if (caller?.kind === 'machine' && typeof caller.digitalObjectId === 'string') return { kind: 'machine', id: caller.digitalObjectId };
  } catch {
    // Not the envelope we know: fall through.
  }
  if (authorization === undefined) return { kind: 'anonymous' };
  return { kind: 'person', id: `token:${createHash('sha256').update(authorization).digest('base64url')}` };
}

/** The caller endpoint beside the access service's GraphQL URL: `http://access:4004/` → `http://access:4004/caller`. */
export function callerEndpointOf(accessUrl: string): string {
  return new URL('caller', accessUrl).href;
}
