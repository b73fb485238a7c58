import type { SubgraphName } from '../../lib/subgraph-names.js';
import { type RunningSubgraph, startSubgraph } from '../../lib/subgraph-server.js';
import { subgraphDefinitions } from '../../subgraphs/index.js';
import type { TestSystem } from './system.js';

// Steady load on the gateway, recorded request by request, and a subgraph started again
// on the port it had: what a failure drill needs to say which requests failed, when, and how.

export interface LoadQuery {
  name: string;
  query: string;
  token?: string;
  /** The subgraphs the gateway's plan for it fetches from. */
  subgraphs: ReadonlySet<string>;
}

export interface LoadSample {
  query: LoadQuery;
  startedAt: number;
  endedAt: number;
  /** 0 when the gateway itself could not be reached. */
  status: number;
  codes: string[];
  messages: string[];
  hasData: boolean;
  retryAfter: string | null;
}

export interface Load {
  samples: LoadSample[];
  /** Stops the workers and waits for their requests in flight. */
  stop(): Promise<LoadSample[]>;
}

/**
 * `workers` loops sending `queries` in turn to the gateway, each request recorded; bounded
 * by `maxRequests` and `maxMs` whatever happens to `stop`.
 */
export function startLoad(
  gatewayUrl: string,
  queries: readonly LoadQuery[],
  options: { workers?: number; maxRequests?: number; maxMs?: number } = {},
): Load {
  const samples: LoadSample[] = [];
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  const maxRequests = options.maxRequests ?? 50_000;
  let stopped = false;
  let sent = 0;
  const worker = async (offset: number) => {
    for (let turn = offset; !stopped && Date.now() < deadline && sent < maxRequests; turn += 1) {
      sent += 1;
      const query = queries[turn % queries.length]!;
      const startedAt = Date.now();
      const sample: LoadSample = { query, startedAt, endedAt: 0, status: 0, codes: [], messages: [], hasData: false, retryAfter: null };
      try {
        const response = await fetch(gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(query.token ? { authorization: `Bearer ${query.token}` } : {}) },
          body: JSON.stringify({ query: query.query }),
          signal: AbortSignal.timeout(15_000),
        });
        sample.status = response.status;
        sample.retryAfter = response.headers.get('retry-after');
        const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
        sample.hasData = body.data !== null && body.data !== undefined;
        sample.codes = (body.errors ?? []).map((error) => String(error.extensions?.code ?? 'no code'));
        sample.messages = (body.errors ?? []).map((error) => error.message);
      } catch (error) {
        sample.messages = [error instanceof Error ? `${error.name}: ${error.message}` : String(error)];
      }
      sample.endedAt = Date.now();
      samples.push(sample);
    }
  };
  const running = Array.from({ length: options.workers ?? 4 }, (_, index) => worker(index));
  return {
    samples,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
      return samples;
    },
  };
}

/** Whether a request was answered in full: HTTP 200, data, no error. */
export function succeeded(sample: LoadSample): boolean {
  return sample.status === 200 && sample.codes.length === 0 && sample.hasData;
}

/** The port a subgraph of the system listens on. */
export function portOf(system: TestSystem, name: SubgraphName): number {
  return Number(new URL(system.subgraphUrls[name]).port);
}

/**
 * Starts subgraph `name` again on the port it had, with the system's database and
 * secret, as an operator restarting its process would; the gateway is left as it is.
 */
export async function restartSubgraph(system: TestSystem, name: SubgraphName, port: number): Promise<RunningSubgraph> {
  return startSubgraph(subgraphDefinitions[name], {
    db: system.db,
    databaseUrl: system.databaseUrl,
    backgroundWork: false,
    gatewaySecret: system.gatewaySecret,
    host: '127.0.0.1',
    port,
  });
}
