import { sql } from 'drizzle-orm';
import { withReplicas } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type * as schema from '../schema/index.js';
import { log } from './log.js';

/** `Database` of lib/db.ts, spelled here so that db.ts may import this module without a cycle. */
type Database = PostgresJsDatabase<typeof schema>;

/**
 * Analytics reads on streaming replicas (issue 10, item 3). Only code that asks for
 * `analyticsReads(db)` reads a replica: writes, the write path's re-check, rules, loaders of
 * entities and the access service's caller resolution all keep `db`, the primary, so a
 * revoked caller is refused at once however far a replica lags.
 *
 * Staleness bound: each replica's lag is measured every `checkSeconds`; one further behind
 * than `maxLagSeconds` (or not streaming, or promoted) serves nothing until it catches up,
 * and reads go to another replica or to the primary meanwhile. Lag grows by at most one
 * second per second, so an analytics answer is at most `maxLagSeconds + checkSeconds` older
 * than the primary (31 s with the defaults).
 */
export interface ReplicaSetOptions {
  maxLagSeconds: number;
  checkSeconds: number;
}

export interface Replica {
  /** For logs: host and port, never the password. */
  name: string;
  db: Database;
}

/** What one check found on a replica: seconds behind the primary, or why it cannot serve. */
export type ReplicaLag = { lagSeconds: number } | { unusable: string };

/** Seconds the replica behind `db` lags; zero when it has replayed everything it received. */
export async function measureLag(db: Database): Promise<ReplicaLag> {
  const [row] = await db.execute<{ standby: boolean; receiver: string | null; caught_up: boolean | null; lag: string | null }>(sql`
    select pg_is_in_recovery() as standby,
           (select status from pg_stat_wal_receiver) as receiver,
           pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() as caught_up,
           extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())::text as lag`);
  if (!row?.standby) return { unusable: 'not a standby (promoted, or a primary)' };
  // Without a streaming receiver, "replayed all it received" says nothing about the primary.
  if (row.receiver !== 'streaming') return { unusable: `its WAL receiver is ${row.receiver ?? 'not running'}` };
  if (row.caught_up) return { lagSeconds: 0 };
  if (row.lag === null) return { unusable: 'it has replayed no transaction yet' };
  return { lagSeconds: Number(row.lag) };
}

export class ReplicaSet {
  private usable: Replica[] = [];
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** Database handle whose every read goes to a usable replica (or the primary); writes go to the primary. */
  readonly analytics: Database;

  constructor(
    private readonly primary: Database,
    private readonly replicas: readonly Replica[],
    private readonly options: ReplicaSetOptions,
  ) {
    const pick = () => this.pick();
    // drizzle's withReplicas routes `select` and relational queries to a replica but `execute`
    // to the primary; analytics repositories write raw SQL, so `execute` is routed too.
    const routed = withReplicas(primary, replicas.map((replica) => replica.db) as [Database, ...Database[]], pick);
    routed.execute = ((...args: Parameters<Database['execute']>) => pick().execute(...args)) as Database['execute'];
    this.analytics = routed;
  }

  /** A usable replica at random, or the primary when none is. */
  pick(): Database {
    if (this.usable.length === 0) return this.primary;
    return (this.usable[Math.floor(Math.random() * this.usable.length)] as Replica).db;
  }

  /** The replicas serving reads now (tests, health). */
  usableNames(): string[] {
    return this.usable.map((replica) => replica.name);
  }

  /** Measures every replica now and updates the usable set; resolves when done. */
  check(): Promise<void> {
    this.checking ??= this.measure().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Measures at once, then every `checkSeconds`. */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.check(), this.options.checkSeconds * 1000);
    this.timer.unref();
    return this.check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async measure(): Promise<void> {
    const results = await Promise.all(
      this.replicas.map(async (replica) => ({
        replica,
        lag: await measureLag(replica.db).catch((error: unknown): ReplicaLag => ({ unusable: `unreachable (${errorCode(error)})` })),
      })),
    );
    const usable = results.filter(({ lag }) => 'lagSeconds' in lag && lag.lagSeconds <= this.options.maxLagSeconds).map((r) => r.replica);
    for (const { replica, lag } of results) {
      const wasUsable = this.usable.includes(replica);
      const isUsable = usable.includes(replica);
      if (wasUsable === isUsable) continue;
      const reason = 'unusable' in lag ? lag.unusable : `${lag.lagSeconds.toFixed(1)} s behind`;
      if (isUsable) log.info({ replica: replica.name }, 'read replica serves analytics reads');
      else log.warn({ replica: replica.name, reason }, `read replica left out of analytics reads: ${reason}`);
    }
    this.usable = usable;
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'error';
}

const analyticsOf = new WeakMap<Database, Database>();

/** Registers where the analytics reads of `primary` go (`connectDatabase` does, when replicas are configured). */
export function registerAnalyticsReads(primary: Database, analytics: Database): void {
  analyticsOf.set(primary, analytics);
}

/**
 * Where analytics reads of a subgraph's `db` go: a replica within the lag bound when
 * DATABASE_REPLICA_URLS lists any, else `db` itself. Read-only aggregates and lists only:
 * never a rule, a re-check, an entity's reference, nor anything a write decides on.
 */
export function analyticsReads<T extends object>(db: T): T {
  // A transaction is never registered: it stays on itself.
  return (analyticsOf.get(db as unknown as Database) as T | undefined) ?? db;
}
