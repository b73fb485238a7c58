import { randomBytes } from 'node:crypto';
import { callerEndpointOf } from '../gateway/caller-client.js';
import { startGateway } from '../gateway/server.js';
import { type ConnectOptions, connectDatabase, type Database, type DatabaseHandle } from '../lib/db.js';
import { type SubgraphName, startSubgraph } from '../lib/subgraph-server.js';
import { subgraphDefinitions, subgraphNames } from '../subgraphs/index.js';

export interface SystemOptions {
  databaseUrl: string;
  host: string;
  gatewayPort: number;
  /** 0 picks a free port, as does a subgraph left out. */
  subgraphPorts: Partial<Record<SubgraphName, number>>;
  /** Shared by the subgraphs (the access service signs callers with it); random when not given. The gateway does not need it. */
  gatewaySecret?: string | undefined;
  ide?: boolean;
  inlineTraces?: boolean;
  /** Browser origins allowed to call the gateway. */
  corsOrigins?: string[];
  /** Database pool size shared by the in-process services. */
  poolSize?: number;
  /** Runs the subgraphs' background work (the job queue's worker); default true. */
  backgroundWork?: boolean;
  /** Streaming replicas of the database for analytics reads (DATABASE_REPLICA_URLS), and their lag bound. */
  replicaUrls?: readonly string[];
  replicaLag?: ConnectOptions['replicaLag'];
}

export interface RunningSystem {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  gatewaySecret: string;
  db: Database;
  /** The read replicas' state (null without replicas). */
  replicas: DatabaseHandle['replicas'];
  /** Stops one subgraph (failure drills: the rest of the graph must keep answering). */
  stopSubgraph(name: SubgraphName): Promise<void>;
  close(): Promise<void>;
}

/**
 * The subgraphs and the gateway in one process, each on its own port with real
 * HTTP between them: the shape of `npm start` and of the end-to-end tests.
 * docker-compose runs the same pieces as separate processes.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const gatewaySecret = options.gatewaySecret ?? randomBytes(32).toString('base64url');
  const handle = connectDatabase(options.databaseUrl, {
    max: options.poolSize ?? 20,
    replicaUrls: options.replicaUrls ?? [],
    ...(options.replicaLag ? { replicaLag: options.replicaLag } : {}),
  });
  const closers: Array<() => Promise<void>> = [];
  try {
    const subgraphUrls = {} as Record<SubgraphName, string>;
    const subgraphClosers = {} as Record<SubgraphName, () => Promise<void>>;
    for (const name of subgraphNames) {
      const running = await startSubgraph(subgraphDefinitions[name], {
        db: handle.db,
        databaseUrl: options.databaseUrl,
        backgroundWork: options.backgroundWork ?? true,
        // Filled as each subgraph starts: the integration subgraph's monitor reads it at every check.
        subgraphUrls,
        gatewaySecret,
        host: options.host,
        port: options.subgraphPorts[name] ?? 0,
        inlineTraces: options.inlineTraces ?? false,
      });
      let stopped: Promise<void> | undefined;
      subgraphClosers[name] = () => (stopped ??= running.close());
      closers.push(subgraphClosers[name]);
      subgraphUrls[name] = running.url;
    }
    // Database-free: it resolves each request's caller at the access service, as any other router would.
    const gateway = await startGateway({
      callerUrl: callerEndpointOf(subgraphUrls.access),
      subgraphUrls,
      host: options.host,
      port: options.gatewayPort,
      ide: options.ide ?? true,
      corsOrigins: options.corsOrigins ?? ['*'],
    });
    closers.unshift(gateway.close);
    return {
      gatewayUrl: gateway.url,
      subgraphUrls,
      gatewaySecret,
      db: handle.db,
      replicas: handle.replicas,
      stopSubgraph: (name) => subgraphClosers[name](),
      close: async () => {
        for (const close of closers) await close();
        await handle.close();
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => {});
    await handle.close();
    throw error;
  }
}
