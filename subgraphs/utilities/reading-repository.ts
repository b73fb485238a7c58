import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../lib/db.js';
import { textArray } from '../../lib/pg-array.js';
import type { MeterStatus, ReadingKind, ReadingSource } from '../../schema/utilities.js';
import type { MeterScope } from './meter-repository.js';

/** A meter as a reading call needs it. */
export interface ReadingMeter {
  id: string;
  serialNumber: string;
  capacityDigits: number;
  tariffZones: number;
  status: MeterStatus;
  installedAt: string;
  katoCode: string;
}

/** A stored reading of the recent past of a meter and zone. */
export interface RecentReading {
  id: string;
  takenOn: string;
  value: string;
  consumption: string | null;
  recordedAt: Date;
}

/** One reading as the write stores it. */
export interface ReadingInput {
  meterId: string;
  katoCode: string;
  zone: number;
  takenOn: string;
  value: string;
  consumption: string | null;
  kind: ReadingKind;
  source: ReadingSource;
  anomaly: boolean;
  /** Set when the reading replaces the stored one of that day: its id and value, for the history. */
  corrects: { id: string; value: string } | null;
}

/** One stored reading: what the write stored, with its id, supplier, time and version. */
export interface ReadingRow extends Omit<ReadingInput, 'corrects'> {
  id: string;
  supplierId: string;
  recordedAt: Date;
  version: number;
}

export { textArray } from '../../lib/pg-array.js';

/** First key of the advisory locks of a supplier's reading calls (the second is the supplier id's hash). */
const READINGS_LOCK_SPACE = 727_013;

/** Recent readings kept per meter and zone: the last one, the one before it, and enough for the average of 3 consumptions. */
export const RECENT_READINGS = 4;

/** Meter readings (category 13), partitioned by month of `taken_on` (migration 0010). */
export class ReadingRepository {
  constructor(private readonly executor: Executor) {}

  /**
   * The supplier's meters with these serial numbers, after taking the supplier's readings
   * lock (a transaction-level advisory lock) until the call commits: concurrent reading
   * calls of one supplier run one after the other, so each validates against the readings
   * the one before it wrote (the last-readings statement comes after the lock). One lock
   * instead of a row lock on each of 10,000 meters, which cost a write per meter.
   */
  async metersForReadings(supplierId: string, serialNumbers: readonly string[]): Promise<Map<string, ReadingMeter>> {
    if (serialNumbers.length === 0) return new Map();
    const rows = await this.executor.execute<{
      id: string;
      serial_number: string;
      capacity_digits: number;
      tariff_zones: number;
      status: MeterStatus;
      installed_at: string;
      kato_code: string;
    }>(sql`
      select id, serial_number, capacity_digits, tariff_zones, status, installed_at::text as installed_at, kato_code
        from utilities.meters
             cross join (select pg_advisory_xact_lock(${READINGS_LOCK_SPACE}::int, hashtext(${supplierId}::text))) as locked
       where supplier_id = ${supplierId}::uuid and serial_number = any(${textArray([...new Set(serialNumbers)])}::text[])`);
    return new Map(
      rows.map((r) => [
        r.serial_number,
        {
          id: r.id,
          serialNumber: r.serial_number,
          capacityDigits: Number(r.capacity_digits),
          tariffZones: Number(r.tariff_zones),
          status: r.status,
          installedAt: r.installed_at,
          katoCode: r.kato_code,
        },
      ]),
    );
  }

  /**
   * The last RECENT_READINGS readings, newest first, of every (meter, zone) pair given: ONE
   * statement for the whole call whatever the number of pairs. Keyed `${meterId}:${zone}`.
   * `within` bounds the days looked at, so the planner reads only those months' partitions
   * (a lookup over every partition costs about ten times more for 10,000 meters).
   */
  async recent(
    pairs: ReadonlyArray<{ meterId: string; zone: number }>,
    within?: { from: string; to: string },
  ): Promise<Map<string, RecentReading[]>> {
    const found = new Map<string, RecentReading[]>();
    if (pairs.length === 0) return found;
    // One statement for every pair: per pair, the newest RECENT_READINGS rows of the span by
    // the (meter, zone, day) index, read backwards and stopped after them, in the span's
    // partitions only. Ranking every reading of the span instead costs as much as the span
    // holds (all meters' rows of a month: it grew by 200 ms with each day of daily readings),
    // and `meter_id = any(array)` is estimated against every partition (0.6 s of planning).
    const span = within ? sql`and r.taken_on >= ${within.from}::date and r.taken_on <= ${within.to}::date` : sql``;
    // Rows name their pair by its position (an integer parses faster than a uuid and a zone).
    const rows = await this.executor.execute<{
      n: string;
      id: string;
      taken_on: string;
      value: string;
      consumption: string | null;
      recorded_at: string;
    }>(sql`
      select p.n, last.id, last.taken_on::text as taken_on, last.value::text as value,
             last.consumption::text as consumption, last.recorded_at
        from unnest(${textArray(pairs.map((p) => p.meterId))}::uuid[], ${textArray(pairs.map((p) => p.zone))}::smallint[])
             with ordinality as p(meter_id, zone, n)
        cross join lateral (
              select r.id, r.taken_on, r.value, r.consumption, r.recorded_at
                from utilities.meter_readings r
               where r.meter_id = p.meter_id and r.zone = p.zone ${span}
               order by r.taken_on desc
               limit ${RECENT_READINGS}) last
       order by p.n, last.taken_on desc`);
    for (const r of rows) {
      const pair = pairs[Number(r.n) - 1];
      if (!pair) continue;
      const key = `${pair.meterId}:${pair.zone}`;
      const list = found.get(key) ?? [];
      list.push({ id: r.id, takenOn: r.taken_on, value: r.value, consumption: r.consumption, recordedAt: new Date(r.recorded_at) });
      found.set(key, list);
    }
    return found;
  }

  /**
   * Writes readings of one supplier: the history of the corrected ones (one statement), then
   * every reading in ONE upsert on (meter, zone, day) whose columns travel as typed arrays.
   * Returns ids and whether each was created, in the order given.
   */
  async write(
    supplierId: string,
    readings: readonly ReadingInput[],
    correctedBy: string,
  ): Promise<Array<{ id: string; created: boolean }>> {
    if (readings.length === 0) return [];
    const corrections = readings.filter((r) => r.corrects !== null);
    if (corrections.length > 0) {
      await this.executor.execute(sql`
        insert into utilities.reading_corrections (reading_id, meter_id, zone, taken_on, previous_value, new_value, corrected_by)
        select u.reading_id, u.meter_id, u.zone, u.taken_on, u.previous_value, u.new_value, ${correctedBy}
          from unnest(${textArray(corrections.map((r) => r.corrects!.id))}::uuid[],
                      ${textArray(corrections.map((r) => r.meterId))}::uuid[],
                      ${textArray(corrections.map((r) => r.zone))}::smallint[],
                      ${textArray(corrections.map((r) => r.takenOn))}::date[],
                      ${textArray(corrections.map((r) => r.corrects!.value))}::numeric[],
                      ${textArray(corrections.map((r) => r.value))}::numeric[])
               as u(reading_id, meter_id, zone, taken_on, previous_value, new_value)`);
    }
    const rows = await this.executor.execute<{ id: string; meter_id: string; zone: number; taken_on: string }>(sql`
      insert into utilities.meter_readings (meter_id, supplier_id, kato_code, zone, taken_on, value, consumption, kind, source, anomaly)
      select u.meter_id, ${supplierId}::uuid, u.kato_code, u.zone, u.taken_on, u.value, u.consumption, u.kind, u.source, u.anomaly
        from unnest(${textArray(readings.map((r) => r.meterId))}::uuid[],
                    ${textArray(readings.map((r) => r.katoCode))}::text[],
                    ${textArray(readings.map((r) => r.zone))}::smallint[],
                    ${textArray(readings.map((r) => r.takenOn))}::date[],
                    ${textArray(readings.map((r) => r.value))}::numeric[],
                    ${textArray(readings.map((r) => r.consumption))}::numeric[],
                    ${textArray(readings.map((r) => r.kind))}::utilities.reading_kind[],
                    ${textArray(readings.map((r) => r.source))}::utilities.reading_source[],
                    ${textArray(readings.map((r) => r.anomaly))}::boolean[])
             as u(meter_id, kato_code, zone, taken_on, value, consumption, kind, source, anomaly)
      on conflict (meter_id, zone, taken_on) do update set
             value = excluded.value,
             consumption = excluded.consumption,
             kind = excluded.kind,
             source = excluded.source,
             anomaly = excluded.anomaly,
             updated_at = now(),
             version = utilities.meter_readings.version + 1
      returning id, meter_id, zone, taken_on::text as taken_on`);
    // A partitioned table returns no system column (xmax): whether a reading was created is
    // what the check found, which the meters' locks keep true until commit.
    const byKey = new Map(rows.map((r) => [`${r.meter_id}:${Number(r.zone)}:${r.taken_on}`, r.id]));
    return readings.map((r) => {
      const id = byKey.get(`${r.meterId}:${r.zone}:${r.takenOn}`);
      if (!id) throw new Error('A reading of the batch was not written.');
      return { id, created: r.corrects === null };
    });
  }

  /**
   * Readings of these meters within the scope, taken from `from` to `to` inclusive, oldest
   * first. The bounds on `taken_on` let the planner read only the months asked.
   */
  async ofMeters(meterIds: readonly string[], from: string, to: string, scope: MeterScope): Promise<ReadingRow[]> {
    if (meterIds.length === 0) return [];
    if (scope.readSubjects !== null && scope.readSubjects.size === 0) return [];
    const rows = await this.executor.execute<Record<string, unknown>>(ofMetersStatement(meterIds, from, to, scope));
    return rows.map((r) => ({
      id: r.id as string,
      meterId: r.meter_id as string,
      supplierId: r.supplier_id as string,
      katoCode: r.kato_code as string,
      zone: Number(r.zone),
      takenOn: r.taken_on as string,
      value: r.value as string,
      consumption: (r.consumption as string | null) ?? null,
      kind: r.kind as ReadingKind,
      source: r.source as ReadingSource,
      anomaly: r.anomaly as boolean,
      recordedAt: new Date(r.recorded_at as string),
      version: Number(r.version),
    }));
  }
}

/**
 * The statement of `ReadingRepository.ofMeters`: its bounds on `taken_on` let the planner
 * read only the partitions of the months asked (test/utilities-partitions.test.ts).
 */
export function ofMetersStatement(meterIds: readonly string[], from: string, to: string, scope: MeterScope): SQL {
  const subjects = scope.readSubjects === null ? null : textArray([...scope.readSubjects]);
  return sql`
      select r.id, r.meter_id, r.supplier_id, r.kato_code, r.zone, r.taken_on::text as taken_on, r.value::text as value,
             r.consumption::text as consumption, r.kind, r.source, r.anomaly, r.recorded_at, r.version
        from utilities.meter_readings r
        join utilities.suppliers s on s.id = r.supplier_id
       where r.meter_id = any(${textArray(meterIds)}::uuid[])
         and r.taken_on >= ${from}::date and r.taken_on <= ${to}::date
         and (${subjects}::uuid[] is null or s.subject_id = any(${subjects}::uuid[]))
       order by r.meter_id, r.taken_on, r.zone`;
}
