import type { Caller } from './auth/caller.js';
import { createRelianceLog, type RelianceLog } from './auth/reliance.js';
import type { AuthContext } from './auth/shield.js';
import type { Database } from './db.js';
import { type Logger, log } from './log.js';

/** The per-request context every subgraph's rules and resolvers receive. */
export interface SubgraphContext<TLoaders = unknown> extends AuthContext {
  caller: Caller;
  db: Database;
  /** This request's DataLoaders: every relation and `__resolveReference` reads through them. */
  loaders: TLoaders;
  /** When the request reached the subgraph: the "received" time of receipts (p.30). */
  receivedAt: Date;
  /** What each field's rule relied on; the write path re-checks it. */
  reliances: RelianceLog;
  /** Replaces `loaders` with fresh ones: after a write commits, the payload reads what was written. */
  refreshLoaders(): void;
  /** This request's logger: its lines carry the request id the gateway forwarded (lib/log.ts). */
  log: Logger;
}

export interface LoaderFactory<TLoaders> {
  createLoaders(db: Database, caller: Caller): TLoaders;
}

/** The context of one request: the only place a subgraph context is made (servers, tests, benchmarks). */
export function createSubgraphContext<TLoaders>(
  definition: LoaderFactory<TLoaders>,
  db: Database,
  caller: Caller,
  receivedAt: Date = new Date(),
  logger: Logger = log,
): SubgraphContext<TLoaders> {
  const context: SubgraphContext<TLoaders> = {
    caller,
    db,
    loaders: definition.createLoaders(db, caller),
    receivedAt,
    reliances: createRelianceLog(),
    log: logger,
    refreshLoaders() {
      context.loaders = definition.createLoaders(db, caller);
    },
  };
  return context;
}
