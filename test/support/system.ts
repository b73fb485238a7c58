import type { Database } from '../../lib/db.js';
import type { SubgraphName } from '../../lib/subgraph-server.js';
import { startSystem } from '../../scripts/system.js';
import { createTestDatabase } from './database.js';

export interface GraphQLResponse<TData = Record<string, any>> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
}

export interface TestSystem {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  gatewaySecret: string;
  databaseUrl: string;
  db: Database;
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** POSTs an operation to the gateway, optionally with `Authorization: Bearer <token>`. */
  query<TData = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

/** POSTs a GraphQL operation to any URL (gateway or subgraph) and returns status + body. */
export async function postGraphQL<TData = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  /** Headers, or headers made for the exact body (a subgraph's caller and request signature: `callerHeaders`). */
  headers: Record<string, string> | ((body: string) => Record<string, string>) = {},
): Promise<GraphQLResponse<TData>> {
  const text = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(typeof headers === 'function' ? headers(text) : headers) },
    body: text,
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: response.status, ...body };
}

/**
 * The whole system on free ports against a fresh database of this test file: four
 * subgraphs and the gateway, real HTTP between them, real PostgreSQL underneath.
 */
export async function startTestSystem(options: { backgroundWork?: boolean } = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const system = await startSystem({
    databaseUrl: database.url,
    host: '127.0.0.1',
    gatewayPort: 0,
    subgraphPorts: { buildings: 0, condominium: 0, utilities: 0, access: 0, integration: 0 },
    ide: true,
    poolSize: 10,
    backgroundWork: options.backgroundWork ?? true,
  });
  return {
    gatewayUrl: system.gatewayUrl,
    subgraphUrls: system.subgraphUrls,
    gatewaySecret: system.gatewaySecret,
    databaseUrl: database.url,
    db: system.db,
    stopSubgraph: system.stopSubgraph,
    query: (query, variables, options = {}) =>
      postGraphQL(system.gatewayUrl, query, variables, {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      }),
    close: async () => {
      await system.close();
      await database.close();
    },
  };
}
