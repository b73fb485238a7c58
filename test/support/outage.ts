import { randomBytes } from 'node:crypto';
import type { Caller } from '../../lib/auth/caller.js';
import { connectDatabase } from '../../lib/db.js';
import { type SubgraphDefinition, startSubgraph } from '../../lib/subgraph-server.js';
import { callerHeaders } from './signed-request.js';
import type { GraphQLResponse } from './system.js';

export interface SubgraphWithoutDatabase {
  /** Sends one operation straight to the subgraph, signed for it as the gateway would. */
  call<TData = Record<string, unknown>>(
    caller: Caller,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

/**
 * One real subgraph whose database is unreachable (nothing listens on its port): what a
 * subgraph answers during a database outage, in a rule or in a resolver.
 */
export async function startSubgraphWithoutDatabase(definition: SubgraphDefinition): Promise<SubgraphWithoutDatabase> {
  const secret = randomBytes(32).toString('base64url');
  // Port 1 on loopback: connections are refused at once.
  const handle = connectDatabase('postgres://postgres@127.0.0.1:1/unreachable', { max: 1 });
  const running = await startSubgraph(definition, { db: handle.db, gatewaySecret: secret, host: '127.0.0.1', port: 0 });
  return {
    async call<TData>(caller: Caller, query: string, variables: Record<string, unknown> = {}) {
      const body = JSON.stringify({ query, variables });
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...callerHeaders(caller, secret, { audience: [definition.name] })(body) },
        body,
      });
      return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse<TData>;
    },
    async close() {
      await running.close();
      await handle.close().catch(() => {});
    },
  };
}
