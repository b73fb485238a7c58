import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { GraphQLError } from 'graphql';
import { ErrorCode, unauthenticated } from '../lib/errors.js';

/** What the access service's `POST /caller` answers (subgraphs/access/caller-endpoint.ts). */
export interface ResolvedCaller {
  /** The header to set on subgraph requests. */
  header: string;
  /** Its value for each subgraph, by name. */
  subgraphs: Record<string, string>;
  /** Epoch milliseconds after which the values are refused. */
  expiresAt: number;
}

export interface CallerClientOptions {
  /**
   * How long an anonymous resolution is reused. Safe because an anonymous caller has
   * nothing to revoke; it must stay well under the 30 s lifetime so that a request
   * started with a reused value still has time to finish its fetches.
   */
  anonymousReuseMs?: number;
  /** Give up on the access service after this long. */
  timeoutMs?: number;
}

export interface CallerClient {
  /** Resolves the client's `Authorization` header (undefined: anonymous); throws UNAUTHENTICATED (401) when the access service refuses it. */
  resolve(authorization: string | undefined): Promise<ResolvedCaller>;
  close(): void;
}

function unavailable(reason: string): GraphQLError {
  // Masked for the client by formatError (INTERNAL_SERVER_ERROR), logged with this message.
  return new GraphQLError(`The access service could not resolve the caller: ${reason}`, {
    extensions: { code: ErrorCode.Internal, http: { status: 503 } },
  });
}

function isResolution(body: unknown): body is { header: string; subgraphs: Record<string, string>; expiresAt: string } {
  const value = body as Record<string, unknown> | null;
  return (
    typeof value?.header === 'string' &&
    typeof value.expiresAt === 'string' &&
    typeof value.subgraphs === 'object' &&
    value.subgraphs !== null
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
  let anonymous: { until: number; resolution: Promise<ResolvedCaller> } | undefined;

  function post(authorization: string | undefined): Promise<ResolvedCaller> {
    return new Promise<ResolvedCaller>((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'application/json', 'content-length': '0' };
      if (authorization !== undefined) headers.authorization = authorization;
      const request = send(url, { method: 'POST', agent, headers, timeout: timeoutMs }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(unavailable(error.message)));
        response.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(unavailable(`HTTP ${response.statusCode} without a JSON body`));
          }
          if (response.statusCode === 401) {
            const message = (body as { errors?: Array<{ message?: unknown }> }).errors?.[0]?.message;
            return reject(typeof message === 'string' ? unauthenticated(message) : unauthenticated());
          }
          if (response.statusCode !== 200 || !isResolution(body)) return reject(unavailable(`HTTP ${response.statusCode}`));
          resolve({ header: body.header, subgraphs: body.subgraphs, expiresAt: Date.parse(body.expiresAt) });
        });
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', (error) => reject(unavailable(error.message)));
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

/** The caller endpoint beside the access service's GraphQL URL: `http://access:4004/` → `http://access:4004/caller`. */
export function callerEndpointOf(accessUrl: string): string {
  return new URL('caller', accessUrl).href;
}
