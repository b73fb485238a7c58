import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import { describeForLog, ErrorCode, isDatabaseOutage, serviceUnavailable } from './errors.js';
import { log, REQUEST_ID_HEADER, requestIdFor, withRequestScope } from './log.js';
import { httpRequests, registry, routeLabel } from './metrics.js';
import { withServerSpan } from './tracing.js';

export interface StaticAsset {
  contentType: string;
  body: string | Buffer;
}

/** What an HTTP route answers: a status and a JSON body. */
export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON, unless `text` is given. */
  body: unknown;
  /** Sent as it is with this content type instead of `body` (a CSV download). */
  text?: { contentType: string; content: string };
}

/**
 * A plain HTTP endpoint a service serves beside GraphQL (the access service's
 * `POST /caller`). Expected refusals are replies; anything thrown is logged without its
 * details and answered 500.
 */
export interface HttpRoute {
  method: 'GET' | 'POST';
  /** `body` is the request body as text (bounded like GraphQL bodies); empty for GET. */
  handle(request: IncomingMessage, body: string): Promise<HttpReply>;
}

export interface ServeOptions<TContext extends BaseContext> {
  host: string;
  port: number;
  /** Builds the per-request context; throw a GraphQLError with extensions.http.status to refuse. */
  context: (request: IncomingMessage) => Promise<TContext>;
  /** Extra GET routes served as they are (the offline IDE's scripts). */
  assets?: Record<string, StaticAsset>;
  /** Extra HTTP endpoints by path, e.g. `{ '/caller': route }`; they bypass the GraphQL context. */
  routes?: Record<string, HttpRoute>;
  /** Largest request body accepted, in bytes; a larger one is answered 413 (PAYLOAD_TOO_LARGE). */
  bodyLimit?: number;
  /**
   * How long a GraphQL request may run before it is answered 504 (REQUEST_TIMEOUT); none
   * when absent. What it started may still finish: the answer only stops waiting for it.
   */
  requestTimeoutMs?: number;
  /** Called for every request this front answers with an error itself (413, 415, 504…): a place to count refusals. */
  onProblem?: (problem: { status: number; code: string }) => void;
  /** The service's name in logs and metrics (`gateway`, `buildings`…). */
  service?: string;
  /**
   * `GET /ready`'s checks by name (the database, the subgraphs): each resolves when what
   * it checks is reachable. 200 when all do within 3 s, else 503 naming those that failed.
   */
  ready?: Record<string, () => Promise<unknown>>;
  /**
   * Serve `GET /metrics` on this port (same host) and not on `port`: for a service whose
   * port is published (the gateway's `GATEWAY_METRICS_PORT`). 0 picks a free one.
   */
  metricsPort?: number;
  /** Browser origins allowed to call (CORS); `['*']` for any. None: same origin only. */
  corsOrigins?: string[];
  /** How long `close()` lets requests in flight finish before it cuts their connections. */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Where `/metrics` is served when `metricsPort` moved it off `port`. */
  metricsUrl?: string;
  /**
   * Graceful: stops listening, answers requests that still arrive on open connections
   * with 503 (SERVICE_UNAVAILABLE, Retry-After), lets those in flight finish (up to
   * `shutdownGraceMs`), then resolves.
   */
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

function bodyTooLarge(limit: number): HttpProblem {
  const message = `The request body is larger than ${limit} bytes, the most accepted. Send less per call (bulk calls take up to 10,000 items).`;
  return new HttpProblem(413, message, 'PAYLOAD_TOO_LARGE');
}

const bodyDigests = new WeakMap<IncomingMessage, Buffer>();

/**
 * SHA-256 of the exact body bytes `request` carried (of no bytes when it had no body
 * read): what a subgraph checks the router's request signature against
 * (`lib/auth/signed-caller.ts`). Available to the `context` function.
 */
export function requestBodyDigest(request: IncomingMessage): Buffer {
  return bodyDigests.get(request) ?? createHash('sha256').digest();
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // A declared length past the limit is refused before a byte of it is read.
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      request.resume();
      reject(bodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Answer first, then let the rest of the body drain unread: destroying the socket
        // now would leave the client with no response at all.
        request.removeAllListeners('data');
        request.resume();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const bytes = Buffer.concat(chunks);
      bodyDigests.set(request, createHash('sha256').update(bytes).digest());
      resolve(bytes.toString('utf8'));
    });
    request.on('error', reject);
  });
}

const timedOut = Symbol('timed out');

/** `work`'s result, or `timedOut` once `ms` have passed first (the work itself goes on; its result is dropped). */
async function withinTimeout<T>(work: Promise<T>, ms: number | undefined): Promise<T | typeof timedOut> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {});
  }
}

/** A request that reaches a closing server on an open connection: retry elsewhere or shortly. */
function refuseWhileClosing(response: ServerResponse): void {
  response.setHeader('connection', 'close');
  response.setHeader('retry-after', '1');
  sendProblem(response, 503, 'The service is shutting down; retry shortly.', 'SERVICE_UNAVAILABLE');
}

function sendProblem(response: ServerResponse, status: number, message: string, code = 'BAD_REQUEST'): void {
  response.statusCode = status;
  if (status === 413) response.setHeader('connection', 'close');
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

async function serveRoute(route: HttpRoute, request: IncomingMessage, response: ServerResponse, limit: number): Promise<void> {
  if (request.method !== route.method) {
    response.setHeader('allow', route.method);
    throw new HttpProblem(405, `Use ${route.method} for this endpoint.`);
  }
  const body = route.method === 'POST' ? await readBody(request, limit) : '';
  let reply: HttpReply;
  try {
    reply = await route.handle(request, body);
  } catch (error) {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    // A database outage is retryable: 503 with Retry-After, like GraphQL answers during one.
    if (isDatabaseOutage(error)) {
      log.warn({ path }, `[http] a route met a database outage: ${describeForLog(error)}`);
      response.setHeader('retry-after', '5');
      sendProblem(response, 503, serviceUnavailable().message, ErrorCode.ServiceUnavailable);
      return;
    }
    log.error({ path }, `[http] a route failed: ${describeForLog(error)}`);
    sendProblem(response, 500, 'The request could not be processed; it has been logged.', 'INTERNAL_SERVER_ERROR');
    return;
  }
  response.statusCode = reply.status;
  for (const [key, value] of Object.entries(reply.headers ?? {})) response.setHeader(key, value);
  if (reply.text) {
    response.setHeader('content-type', reply.text.contentType);
    response.end(reply.text.content);
    return;
  }
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(reply.body));
}

async function answerMetrics(response: ServerResponse): Promise<void> {
  response.setHeader('content-type', registry.contentType);
  response.end(await registry.metrics());
}

/** A listener of its own answering only `GET /metrics`, for a port that is not published. */
async function listenForMetrics(host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && new URL(request.url ?? '/', 'http://localhost').pathname === '/metrics') {
      void answerMetrics(response).catch(() => response.destroy());
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** `GET /ready`: every check within 3 s, 200 `{ status: 'ready' }` or 503 naming what failed. */
async function answerReady(response: ServerResponse, checks: Record<string, () => Promise<unknown>>): Promise<void> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3_000);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, error instanceof Error ? error.message.split('\n')[0]?.slice(0, 200) || 'failed' : 'failed'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const failed = results.filter(([, result]) => result !== 'ok').map(([name]) => name);
  response.statusCode = failed.length ? 503 : 200;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('cache-control', 'no-store');
  response.end(JSON.stringify({ status: failed.length ? 'unavailable' : 'ready', failed, checks: Object.fromEntries(results) }));
}

/**
 * A small Node HTTP front for Apollo Server shared by the gateway and every subgraph:
 * bounded JSON bodies, a health route for orchestration, static assets, and no path
 * through which a malformed request becomes a 500.
 */
export async function serveApollo<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: ServeOptions<TContext>,
): Promise<RunningServer> {
  const limit = options.bodyLimit ?? 20 * 1024 * 1024;
  /** Responses not yet finished, and whether `close()` has begun. */
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const server: Server = createServer((request, response) => {
    if (closing) return refuseWhileClosing(response);
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // Closing: the last answer leaves its kept-alive connection idle; end it now.
      if (closing && inFlight.size === 0) setImmediate(() => server.closeIdleConnections());
    });
    // One request id for every log line of this request, here and (forwarded by the gateway) at the subgraphs.
    const requestScope = { requestId: requestIdFor(request), service };
    response.setHeader(REQUEST_ID_HEADER, requestScope.requestId);
    const started = process.hrtime.bigint();
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    response.once('close', () => {
      const status = response.headersSent ? response.statusCode : 499;
      httpRequests.inc({ service, route: routeLabel(path), status: String(status) });
      if (path === '/health' || path === '/metrics' || path === '/ready') return;
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      log.info({ ...requestScope, method: request.method, path: routeLabel(path), status, durationMs }, 'request');
    });
    withRequestScope(requestScope, () =>
      withServerSpan(service, request, (span) =>
        handle(request, response).finally(() => span.setAttribute('http.response.status_code', response.statusCode)),
      ),
    ).catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        options.onProblem?.({ status: error.status, code: error.code });
        return sendProblem(response, error.status, error.message, error.code);
      }
      log.error({ ...requestScope }, `[http] ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) sendProblem(response, 400, 'The request could not be processed.');
      else response.end();
    });
  });
  const service = options.service ?? 'service';

  const corsOrigins = new Set(options.corsOrigins ?? []);

  /** Bearer tokens, never cookies: allowing other origins exposes nothing a CSRF could use. */
  function applyCors(request: IncomingMessage, response: ServerResponse): void {
    const origin = request.headers.origin;
    if (!origin || corsOrigins.size === 0) return;
    if (corsOrigins.has('*')) response.setHeader('access-control-allow-origin', '*');
    else if (corsOrigins.has(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('vary', 'Origin');
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    applyCors(request, response);
    if (request.method === 'OPTIONS') {
      response.statusCode = 204;
      response.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      response.setHeader(
        'access-control-allow-headers',
        'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id',
      );
      response.setHeader('access-control-max-age', '600');
      response.end();
      return;
    }
    if (request.method === 'GET' && (url.pathname === '/health' || url.pathname === '/.well-known/apollo/server-health')) {
      response.setHeader('content-type', 'application/json');
      response.end('{"status":"pass"}');
      return;
    }
    if (request.method === 'GET' && url.pathname === '/ready') return answerReady(response, options.ready ?? {});
    if (url.pathname === '/metrics') {
      if (options.metricsPort !== undefined) throw new HttpProblem(404, 'Not found.', 'NOT_FOUND');
      if (request.method === 'GET') return answerMetrics(response);
    }
    const route = Object.hasOwn(options.routes ?? {}, url.pathname) ? options.routes?.[url.pathname] : undefined;
    if (route) return serveRoute(route, request, response, limit);
    const asset = request.method === 'GET' ? options.assets?.[url.pathname] : undefined;
    if (asset) {
      response.setHeader('content-type', asset.contentType);
      response.setHeader('cache-control', 'public, max-age=86400');
      response.end(asset.body);
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (request.method === 'POST') {
      const text = await readBody(request, limit);
      const contentType = headers.get('content-type') ?? '';
      if (!contentType.includes('application/json')) throw new HttpProblem(415, 'Send GraphQL requests as application/json.');
      try {
        body = text.length ? JSON.parse(text) : undefined;
      } catch {
        throw new HttpProblem(400, 'The request body is not valid JSON.');
      }
    }
    const execution = apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (request.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => options.context(request),
    });
    const result = await withinTimeout(execution, options.requestTimeoutMs);
    if (result === timedOut) {
      const seconds = ((options.requestTimeoutMs ?? 0) / 1000).toLocaleString('en');
      const message = `The request took longer than ${seconds} s, the most allowed, and was abandoned. Ask for less at once (a smaller page).`;
      throw new HttpProblem(504, message, 'REQUEST_TIMEOUT');
    }
    for (const [key, value] of result.headers) response.setHeader(key, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  server.keepAliveTimeout = 65_000;
  // A client that trickles its headers or body (slowloris) is answered 408 and disconnected.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  const port = (server.address() as AddressInfo).port;
  const metricsServer = options.metricsPort === undefined ? null : await listenForMetrics(options.host, options.metricsPort);
  let closed: Promise<void> | undefined;
  return {
    url: `http://${options.host}:${port}/`,
    port,
    ...(metricsServer ? { metricsUrl: `http://${options.host}:${(metricsServer.address() as AddressInfo).port}/metrics` } : {}),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        closing = true;
        // Each answer still to come ends its connection, so no client reuses it.
        for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
        const cut = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 8_000);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
