import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../schema/index.js';
import { databaseStatements } from './metrics.js';
import { type Replica, ReplicaSet, type ReplicaSetOptions, registerAnalyticsReads } from './read-replicas.js';

export type Schema = typeof schema;
export type Database = PostgresJsDatabase<Schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Repositories take either, so the same code runs inside a caller's transaction. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  /** The streaming replicas analytics reads go to (`analyticsReads(db)`); null without DATABASE_REPLICA_URLS. */
  replicas: ReplicaSet | null;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Pool size. */
  max?: number;
  /** Called once per SQL statement sent (statement-count tests, debugging). */
  onQuery?: (query: string) => void;
  /** Streaming replicas of `url` for analytics reads (`lib/read-replicas.ts`), each with a pool of the same size. */
  replicaUrls?: readonly string[];
  /** The lag bound and how often it is measured; defaults 30 s and 1 s. */
  replicaLag?: Partial<ReplicaSetOptions>;
}

/**
 * Drizzle gets a postgres.js client of its own: drizzle changes the client's type
 * parsers, which would surprise any other code sharing it.
 */
export function connectDatabase(url: string, options: ConnectOptions = {}): DatabaseHandle {
  const primary = connectOne(url, options);
  const replicaUrls = options.replicaUrls ?? [];
  if (replicaUrls.length === 0) return { db: primary.db, replicas: null, close: primary.close };
  const replicas = replicaUrls.map((replicaUrl) => ({ ...connectOne(replicaUrl, options), name: hostOf(replicaUrl) }));
  const set = new ReplicaSet(
    primary.db,
    replicas.map((replica): Replica => ({ name: replica.name, db: replica.db })),
    { maxLagSeconds: options.replicaLag?.maxLagSeconds ?? 30, checkSeconds: options.replicaLag?.checkSeconds ?? 1 },
  );
  registerAnalyticsReads(primary.db, set.analytics);
  void set.start();
  return {
    db: primary.db,
    replicas: set,
    close: async () => {
      set.stop();
      await Promise.all([primary.close(), ...replicas.map((replica) => replica.close())]);
    },
  };
}

function hostOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

function connectOne(url: string, options: ConnectOptions): Omit<DatabaseHandle, 'replicas'> {
  const client = postgres(url, {
    max: options.max ?? 10,
    // After a database restart the pool reconnects within about 2 s: postgres.js's own
    // backoff grows with every refused attempt to 20 s (attempts are made only for
    // waiting queries, so a short interval costs nothing while the database is down).
    backoff: reconnectBackoff,
    onnotice: () => {},
    // No JIT: our statements are short and index-driven, but a 10,000-row bulk statement's
    // estimate passes jit_above_cost and compiling took ~100 ms of a 190 ms look-up. Custom
    // plans always: postgres.js prepares every statement, and from the sixth run Postgres may
    // keep a generic plan, which does not prune monthly partitions by the parameters' dates
    // (the readings' last-readings look-up ran 2.5 times slower). Both measured for
    // docs/benchmarks.md.
    // No parallel plans either: on small batched look-ups starting workers costs more than it
    // saves (owners of 100 buildings: 109 ms parallel, 16 ms serial, national size), and on a
    // small machine the workers take the cores the services need.
    connection: {
      application_name: 'kz-housing-graph',
      jit: 'off',
      plan_cache_mode: 'force_custom_plan',
      max_parallel_workers_per_gather: '0',
    },
    // Counts statements for /metrics (postgres.js exposes no pool statistics).
    debug: (_connection: number, query: string) => {
      databaseStatements.inc();
      options.onQuery?.(query);
    },
  });
  const db = drizzle(client, { schema });
  return { db, close: () => client.end({ timeout: 5 }) };
}

/** Seconds before a connection's next attempt after `retries` failed ones: 50 ms doubling up to 2 s, with jitter. */
export function reconnectBackoff(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 2);
}
