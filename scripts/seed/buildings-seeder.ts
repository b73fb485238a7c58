import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ReservedSql, Sql } from 'postgres';
import { buildings, premiseOwners, premises } from '../../schema/buildings.js';
import { annexFieldNames } from '../../subgraphs/buildings/building-validation.js';
import { type Territory, territoriesData } from '../../subgraphs/buildings/territories-data.js';
import { BuildingGenerator, type BuildingRow, type OwnerRow, type PremiseRow } from './building-generator.js';
import { JsonBatches, JsonRowEncoder } from './json-rows.js';

export interface InsertBuildingsOptions {
  buildings: number;
  seed: number;
  referenceDate: Date;
  territories?: readonly Territory[];
  /** Buildings generated and written as one unit: bounds memory, whatever the total. */
  chunkSize?: number;
  /**
   * Connections writing at once. PostgreSQL spends one core per connection on the
   * inserts and index updates, so 2 keeps both cores of a small machine busy.
   */
  connections?: number;
  onProgress?: (buildingsDone: number) => void;
}

export interface BuildingCounts {
  buildings: number;
  premises: number;
  premiseOwners: number;
}

// The annex fields come from the one list the validation uses; the rest are the register's own.
const buildingEncoder = new JsonRowEncoder<BuildingRow>(buildings, [
  'id',
  ...annexFieldNames,
  'registerExitReason',
  'status',
  'confirmedAt',
  'retiredAt',
  'createdAt',
  'updatedAt',
  'version',
]);
const premiseEncoder = new JsonRowEncoder<PremiseRow>(premises, ['id', 'buildingId', 'kind', 'number', 'floor', 'area']);
const ownerEncoder = new JsonRowEncoder<OwnerRow>(premiseOwners, ['id', 'premiseId', 'kind', 'identificationNumber', 'name', 'share']);

interface EncodedChunk {
  buildings: JsonBatches;
  premises: JsonBatches;
  owners: JsonBatches;
}

/**
 * Generates and writes `options.buildings` buildings with their premises and owners.
 *
 * Chunks of buildings go round-robin to a few connections, each in its own transaction,
 * and the next chunk is generated while the previous ones are written: PostgreSQL works
 * on every core while memory stays flat at the national size. A building always travels
 * with its premises and owners, so each transaction satisfies its own foreign keys. All
 * transactions commit at the end, or all roll back on the first error.
 *
 * Refuses to add to a register that already has buildings: the generated cadastral
 * numbers and registration codes would collide with the earlier ones.
 */
export async function insertBuildings(sql: Sql, options: InsertBuildingsOptions): Promise<BuildingCounts> {
  const [existing] = await sql<{ count: number }[]>`select count(*)::int as count from buildings.buildings`;
  if (existing && existing.count > 0) {
    throw new Error(`The register already has ${existing.count} buildings; reset it first (npm run seed -- --reset) to load demo data.`);
  }
  const chunkSize = options.chunkSize ?? 2000;
  const generator = new BuildingGenerator({
    seed: options.seed,
    territories: options.territories ?? territoriesData,
    referenceDate: options.referenceDate,
  });
  const counts: BuildingCounts = { buildings: 0, premises: 0, premiseOwners: 0 };
  // Never more than the pool has: a reservation beyond it would wait for ever.
  const connectionCount = Math.max(1, Math.min(options.connections ?? 2, Math.ceil(options.buildings / chunkSize), sql.options.max));
  const connections: ReservedSql[] = [];
  // At most one chunk in flight per connection, and one more being generated.
  const writing: Promise<void>[] = [];
  try {
    for (let i = 0; i < connectionCount; i++) {
      const connection = await sql.reserve();
      connections.push(connection);
      await connection`begin`;
      // The summary's triggers would make the lanes wait for each other's row locks until the
      // final commit (for ever); the summary is rebuilt once at the end instead.
      await connection`set local buildings.bulk_load = 'on'`;
    }
    for (let i = 0; i < connections.length; i++) writing.push(Promise.resolve());
    for (let chunkIndex = 0; counts.buildings < options.buildings; chunkIndex++) {
      const size = Math.min(chunkSize, options.buildings - counts.buildings);
      const chunk = await encodeChunk(generator, size);
      const lane = chunkIndex % connections.length;
      await writing[lane];
      const write = writeChunk(connections[lane] as ReservedSql, chunk);
      // Awaited when this lane comes round again; until then a failure must not count as unhandled.
      write.catch(() => {});
      writing[lane] = write;
      counts.buildings += size;
      counts.premises += chunk.premises.rows;
      counts.premiseOwners += chunk.owners.rows;
      options.onProgress?.(counts.buildings);
    }
    await Promise.all(writing);
    for (const connection of connections) await connection`commit`;
  } catch (error) {
    // The other lanes' chunks are still being written: rolled back and released under them,
    // their remaining statements would run outside the transaction on a pooled connection.
    await Promise.allSettled(writing);
    for (const connection of connections) await connection`rollback`.catch(() => {});
    throw error;
  } finally {
    for (const connection of connections) connection.release();
  }
  await sql`select buildings.rebuild_building_counts()`;
  // Fresh statistics: otherwise the planner treats the bulk-loaded tables as nearly empty until autovacuum runs.
  await sql`analyze buildings.buildings, buildings.premises, buildings.premise_owners, buildings.building_counts`;
  return counts;
}

async function writeChunk(connection: ReservedSql, chunk: EncodedChunk): Promise<void> {
  for (const batch of chunk.buildings.batches) await connection.unsafe(buildingEncoder.statement, [batch]);
  for (const batch of chunk.premises.batches) await connection.unsafe(premiseEncoder.statement, [batch]);
  for (const batch of chunk.owners.batches) await connection.unsafe(ownerEncoder.statement, [batch]);
}

async function encodeChunk(generator: BuildingGenerator, size: number): Promise<EncodedChunk> {
  const chunk: EncodedChunk = { buildings: new JsonBatches(), premises: new JsonBatches(), owners: new JsonBatches() };
  for (let i = 0; i < size; i++) {
    const generated = generator.next();
    chunk.buildings.add(buildingEncoder.encode(generated.building));
    for (const premise of generated.premises) chunk.premises.add(premiseEncoder.encode(premise));
    for (const owner of generated.owners) chunk.owners.add(ownerEncoder.encode(owner));
    // Let the sockets take the chunks being written while this one is generated.
    if (i % 100 === 99) await yieldToEventLoop();
  }
  chunk.buildings.finish();
  chunk.premises.finish();
  chunk.owners.finish();
  return chunk;
}

/** The Almaty condominiums an OSI is formed for (id, cadastral number): the demo hands them to managers in cadastral order. */
export const almatyCondominiums = `
  select b.id, b.cadastral_number from buildings.buildings b
   where b.kato_code like '75%' and b.status = 'REGISTERED'
     and b.condominium_registered and b.balance_ownership = 'PRIVATE_CONDOMINIUM_COMMON_PROPERTY'`;

/**
 * Writes the demo owner (`demoPersons.owner` of the access seeder) into the register as the
 * owner of the first apartment, held by a person, of the first Almaty condominium: the
 * person then signs in as an owner of premises there, where the demo OSI manages. Returns
 * how many owners it replaced (0 when the register has no such apartment).
 */
export async function placeDemoOwner(sql: Sql, owner: { iin: string; fullName: string }): Promise<number> {
  const rows = await sql`
    update buildings.premise_owners o set identification_number = ${owner.iin}, name = ${owner.fullName}
     where o.id = (
       select o2.id from buildings.premise_owners o2
         join buildings.premises p on p.id = o2.premise_id
         join (${sql.unsafe(almatyCondominiums)} order by b.cadastral_number limit 1) first on first.id = p.building_id
        where p.kind = 'APARTMENT' and o2.kind = 'PERSON'
        order by length(p.number), p.number, o2.identification_number
        limit 1)
    returning o.id`;
  return rows.length;
}
