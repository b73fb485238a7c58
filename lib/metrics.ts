import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics, served at `GET /metrics` by every service. Under
 * `npm start` all services share one process and so one registry: each series names its
 * `service`. Label values are bounded: operation names are kept for the first
 * `MAX_OPERATIONS` distinct ones of a service, any other is "other".
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const MAX_OPERATIONS = 200;
const operationName = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const seenOperations = new Map<string, Set<string>>();

/** The label of an operation name: itself if it is a GraphQL name of at most 64 characters among the first few hundred seen, else "other". */
export function operationLabel(service: string, name: string | null | undefined): string {
  if (!name || !operationName.test(name)) return 'other';
  let seen = seenOperations.get(service);
  if (!seen) seenOperations.set(service, (seen = new Set()));
  if (seen.has(name)) return name;
  if (seen.size >= MAX_OPERATIONS) return 'other';
  seen.add(name);
  return name;
}

export const graphqlRequests = new Counter({
  name: 'graphql_requests_total',
  help: 'GraphQL operations answered, by service and operation name.',
  labelNames: ['service', 'operation'] as const,
  registers: [registry],
});

export const graphqlErrors = new Counter({
  name: 'graphql_errors_total',
  help: 'Errors in GraphQL answers, by service, operation name and extensions.code.',
  labelNames: ['service', 'operation', 'code'] as const,
  registers: [registry],
});

export const graphqlDuration = new Histogram({
  name: 'graphql_request_duration_seconds',
  help: 'Time from receiving a GraphQL operation to its answer, by service and operation name.',
  labelNames: ['service', 'operation'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by service, route and status.',
  labelNames: ['service', 'route', 'status'] as const,
  registers: [registry],
});

export const gatewayRefusals = new Counter({
  name: 'gateway_refusals_total',
  help: 'Requests the gateway refused (limits, quotas, timeouts, authentication, outages), by code and HTTP status.',
  labelNames: ['code', 'status'] as const,
  registers: [registry],
});

export const databaseStatements = new Counter({
  name: 'db_statements_total',
  help: 'SQL statements sent to PostgreSQL by this process (postgres.js exposes no pool statistics).',
  registers: [registry],
});

/** The HTTP routes counted by name; any other path is "other". */
const knownRoutes = new Set(['/graphql', '/health', '/ready', '/metrics', '/caller', '/']);
export function routeLabel(pathname: string): string {
  return knownRoutes.has(pathname) ? pathname : 'other';
}

/** Counts each GraphQL operation, its errors by code and its duration (the codes as the client receives them). */
export function metricsPlugin<TContext extends BaseContext>(service: string): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, operationName: resolved, response }) {
          const operation = operationLabel(service, resolved ?? request.operationName);
          graphqlRequests.inc({ service, operation });
          graphqlDuration.observe({ service, operation }, Number(process.hrtime.bigint() - started) / 1e9);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          for (const error of errors ?? []) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'NONE';
            graphqlErrors.inc({ service, operation, code: code.length <= 40 ? code : 'other' });
          }
        },
      };
    },
  };
}
