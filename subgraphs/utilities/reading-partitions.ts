import { sql } from 'drizzle-orm';
import type { Database } from '../../lib/db.js';

/** Monthly partitions of meter readings and of charges kept ready ahead of today. */
export const READING_PARTITION_MONTHS_AHEAD = 24;
/** How often the running subgraph makes sure of them. */
const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * Creates the missing monthly partitions of `utilities.meter_readings` and `utilities.charges`
 * from this month to READING_PARTITION_MONTHS_AHEAD months ahead (migrations 0010's and 0019's
 * functions; idempotent, one statement). Returns how many it created.
 */
export async function ensureReadingPartitions(db: Database): Promise<number> {
  const [row] = await db.execute<{ created: number }>(
    sql`select utilities.ensure_reading_partitions(current_date, ${READING_PARTITION_MONTHS_AHEAD})
      + utilities.ensure_charge_partitions(current_date, ${READING_PARTITION_MONTHS_AHEAD}) as created`,
  );
  return Number(row?.created ?? 0);
}

/**
 * The utilities subgraph's background work: the partitions ahead at start and once a day,
 * so readings never fall into the default partition for lack of a month. A failure is
 * logged and tried again at the next interval. Returns the stop function.
 */
export function startReadingPartitionMaintenance(db: Database): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const check = () => {
    running = ensureReadingPartitions(db).then(
      (created) => {
        if (created > 0) console.info(`[utilities] ${created} monthly partition(s) of meter readings and charges created`);
      },
      (error: unknown) =>
        console.warn(
          `[utilities] meter reading partitions not checked: ${error instanceof Error ? error.message.split('\n')[0] : 'error'}`,
        ),
    );
  };
  check();
  const timer = setInterval(check, CHECK_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
