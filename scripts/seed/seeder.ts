import type { Database } from '../../lib/db.js';

/** What every seeder gets. */
export interface SeedContext {
  db: Database;
  buildings: number;
  seed: number;
  referenceDate: Date;
  log: (line: string) => void;
}

/**
 * One subgraph's demo data. Seeders run in the order of `demoSeeders`, so a later one can
 * read what an earlier one wrote (the access seeder can pick buildings to grant on).
 */
export interface Seeder {
  name: string;
  /** Writes the demo data; returns row counts by table for the report. */
  seed(context: SeedContext): Promise<Record<string, number>>;
  /** Deletes the demo data for `--reset`; seeders are reset in reverse order. */
  reset?(db: Database): Promise<void>;
}
