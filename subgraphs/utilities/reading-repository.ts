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

/** What a meter's zone keeps of its last readings (`utilities.meter_reading_heads`), as stored. */
export interface ReadingHead {
  lastId: string;
  lastTakenOn: string;
  lastValue: string;
  lastConsumption: string | null;
  lastRecordedAt: Date;
  previousValue: string | null;
  /** Not null, newest first, at most ANOMALY_WINDOW. */
  earlierConsumptions: string[];
}

/** A head as a call leaves it: `lastRecordedAt` is null when the call writes the last reading (recorded at the transaction's time). */
export interface HeadUpdate extends Omit<ReadingHead, 'lastRecordedAt'> {
  meterId: string;
  zone: number;
  lastRecordedAt: Date | null;
}

/** One reading as the write stores it. */
export interface ReadingInput {
  /** A new reading's id, chosen by the check; a correction keeps the corrected reading's. */
  id: string;
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

/** First key of the advisory locks of a supplier's reading calls (the second is the supplier id's hash). */
const READINGS_LOCK_SPACE = 727_013;

/** Meter readings (category 13), partitioned by month of `taken_on` (migration 0010). */
export class ReadingRepository {
  constructor(private readonly executor: Executor) {}

  /**
   * Takes the supplier's readings lock (a transaction-level advisory lock) until the call
   * commits: concurrent reading calls of one supplier run one after the other, so each
   * judges against the heads the one before it wrote. One lock instead of a row lock on each
   * of 10,000 meters, which cost a write per meter. A statement of its own: the statement
   * that reads the heads must take its snapshot after the lock is granted.
   */
  async lockSupplierReadings(supplierId: string): Promise<void> {
    await this.executor.execute(sql`select pg_advisory_xact_lock(${READINGS_LOCK_SPACE}::int, hashtext(${supplierId}::text))`);
  }

  /**
   * The supplier's meters with these serial numbers and the heads of their zones (keyed
   * `${meterId}:${zone}`): one statement for the whole call, one index look-up per meter.
   */
  async metersForReadings(
    supplierId: string,
    serialNumbers: readonly string[],
  ): Promise<{ meters: Map<string, ReadingMeter>; heads: Map<string, ReadingHead> }> {
    const meters = new Map<string, ReadingMeter>();
    const heads = new Map<string, ReadingHead>();
    if (serialNumbers.length === 0) return { meters, heads };
    const rows = await this.executor.execute<{
      id: string;
      serial_number: string;
      capacity_digits: number;
      tariff_zones: number;
      status: MeterStatus;
      installed_at: string;
      kato_code: string;
      zone: number | null;
      last_id: string | null;
      last_taken_on: string | null;
      last_value: string | null;
      last_consumption: string | null;
      last_recorded_at: string | null;
      previous_value: string | null;
      earlier_consumptions: string | null;
    }>(sql`
      select m.id, m.serial_number, m.capacity_digits, m.tariff_zones, m.status, m.installed_at::text as installed_at, m.kato_code,
             h.zone, h.last_id, h.last_taken_on::text as last_taken_on, h.last_value::text as last_value,
             h.last_consumption::text as last_consumption, h.last_recorded_at,
             h.previous_value::text as previous_value, array_to_string(h.earlier_consumptions, ',') as earlier_consumptions
        from utilities.meters m
        left join utilities.meter_reading_heads h on h.meter_id = m.id
       where m.supplier_id = ${supplierId}::uuid and m.serial_number = any(${textArray([...new Set(serialNumbers)])}::text[])`);
    for (const r of rows) {
      if (!meters.has(r.serial_number))
        meters.set(r.serial_number, {
          id: r.id,
          serialNumber: r.serial_number,
          capacityDigits: Number(r.capacity_digits),
          tariffZones: Number(r.tariff_zones),
          status: r.status,
          installedAt: r.installed_at,
          katoCode: r.kato_code,
        });
      if (r.zone === null || r.last_id === null) continue;
      heads.set(`${r.id}:${Number(r.zone)}`, {
        lastId: r.last_id,
        lastTakenOn: r.last_taken_on as string,
        lastValue: r.last_value as string,
        lastConsumption: r.last_consumption,
        lastRecordedAt: new Date(r.last_recorded_at as string),
        previousValue: r.previous_value,
        earlierConsumptions: r.earlier_consumptions ? r.earlier_consumptions.split(',') : [],
      });
    }
    return { meters, heads };
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
    heads: readonly HeadUpdate[],
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
    // Every id is known before the statement (new ones chosen by the check, corrections keep
    // theirs), so nothing is returned; a conflict updates only the reading the check meant to
    // correct, and the count proves every reading was written as judged.
    const written = await this.executor.execute(sql`
      insert into utilities.meter_readings (id, meter_id, supplier_id, kato_code, zone, taken_on, value, consumption, kind, source, anomaly)
      select u.id, u.meter_id, ${supplierId}::uuid, u.kato_code, u.zone, u.taken_on, u.value, u.consumption, u.kind, u.source, u.anomaly
        from unnest(${textArray(readings.map((r) => r.id))}::uuid[],
                    ${textArray(readings.map((r) => r.meterId))}::uuid[],
                    ${textArray(readings.map((r) => r.katoCode))}::text[],
                    ${textArray(readings.map((r) => r.zone))}::smallint[],
                    ${textArray(readings.map((r) => r.takenOn))}::date[],
                    ${textArray(readings.map((r) => r.value))}::numeric[],
                    ${textArray(readings.map((r) => r.consumption))}::numeric[],
                    ${textArray(readings.map((r) => r.kind))}::utilities.reading_kind[],
                    ${textArray(readings.map((r) => r.source))}::utilities.reading_source[],
                    ${textArray(readings.map((r) => r.anomaly))}::boolean[])
             as u(id, meter_id, kato_code, zone, taken_on, value, consumption, kind, source, anomaly)
      on conflict (meter_id, zone, taken_on) do update set
             value = excluded.value,
             consumption = excluded.consumption,
             kind = excluded.kind,
             source = excluded.source,
             anomaly = excluded.anomaly,
             updated_at = now(),
             version = utilities.meter_readings.version + 1
       where utilities.meter_readings.id = excluded.id`);
    if (written.count !== readings.length)
      throw new Error("A reading of the batch was not written as judged: its meter zone's head is stale.");
    await this.writeHeads(heads);
    return readings.map((r) => ({ id: r.id, created: r.corrects === null }));
  }

  /** The heads a call leaves, in one upsert. */
  private async writeHeads(heads: readonly HeadUpdate[]): Promise<void> {
    if (heads.length === 0) return;
    await this.executor.execute(sql`
      insert into utilities.meter_reading_heads
             (meter_id, zone, last_id, last_taken_on, last_value, last_consumption, last_recorded_at, previous_value, earlier_consumptions)
      select u.meter_id, u.zone, u.last_id, u.last_taken_on, u.last_value, u.last_consumption, coalesce(u.last_recorded_at, now()),
             u.previous_value, string_to_array(u.earlier, ',')::numeric[]
        from unnest(${textArray(heads.map((h) => h.meterId))}::uuid[],
                    ${textArray(heads.map((h) => h.zone))}::smallint[],
                    ${textArray(heads.map((h) => h.lastId))}::uuid[],
                    ${textArray(heads.map((h) => h.lastTakenOn))}::date[],
                    ${textArray(heads.map((h) => h.lastValue))}::numeric[],
                    ${textArray(heads.map((h) => h.lastConsumption))}::numeric[],
                    ${textArray(heads.map((h) => h.lastRecordedAt?.toISOString() ?? null))}::timestamptz[],
                    ${textArray(heads.map((h) => h.previousValue))}::numeric[],
                    ${textArray(heads.map((h) => h.earlierConsumptions.join(',')))}::text[])
             as u(meter_id, zone, last_id, last_taken_on, last_value, last_consumption, last_recorded_at, previous_value, earlier)
      on conflict (meter_id, zone) do update set
             last_id = excluded.last_id,
             last_taken_on = excluded.last_taken_on,
             last_value = excluded.last_value,
             last_consumption = excluded.last_consumption,
             last_recorded_at = excluded.last_recorded_at,
             previous_value = excluded.previous_value,
             earlier_consumptions = excluded.earlier_consumptions`);
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
