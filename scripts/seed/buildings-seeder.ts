import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Sql } from 'postgres';
import { buildings, premiseOwners, premises } from '../../schema/buildings.js';
import { territoriesData, type Territory } from '../../subgraphs/buildings/territories-data.js';
import { BuildingGenerator, type BuildingRow, type OwnerRow, type PremiseRow } from './building-generator.js';
import { copyInto, CopyEncoder, LineBuffer, JsonEncoder, insertJson } from './copy-rows.js';
const JSON_MODE = process.env.SEED_JSON === '1';
const UNNEST = process.env.SEED_UNNEST === '1';
import { UnnestEncoder } from './copy-rows.js';

export interface InsertBuildingsOptions {
  buildings: number;
  seed: number;
  referenceDate: Date;
  territories?: readonly Territory[];
  /** Buildings per round of COPY statements: bounds memory, whatever the total. */
  chunkSize?: number;
  onProgress?: (buildingsDone: number) => void;
}

export interface BuildingCounts {
  buildings: number;
  premises: number;
  premiseOwners: number;
}

const buildingEncoder = new CopyEncoder<BuildingRow>(buildings, [
  'id', 'cadastralNumber', 'katoCode', 'addressRegistrationCode', 'purpose', 'fundCategory', 'condominiumRegistered',
  'hasTechnicalPassport', 'balanceOwnership', 'liftCount', 'electricityConnected', 'yearBuilt', 'lastCapitalRepairDate',
  'totalPremisesCount', 'floorCount', 'apartmentCount', 'nonResidentialPremisesCount', 'heatingSupplyType',
  'heatingSupplyKind', 'gasSupplyKind', 'hasGasPipeline', 'hotWaterSupplyType', 'waterSupplyKind', 'hasWaterPipeline',
  'sewerageKind', 'hasSewer', 'commonMeterCount', 'condition', 'registerExitReason', 'barrierFree', 'status',
  'confirmedAt', 'retiredAt', 'createdAt', 'updatedAt', 'version',
]);
const premiseEncoder = new CopyEncoder<PremiseRow>(premises, ['id', 'buildingId', 'kind', 'number', 'floor', 'area']);
const ownerEncoder = new CopyEncoder<OwnerRow>(premiseOwners, ['id', 'premiseId', 'kind', 'identificationNumber', 'name', 'share']);
const bj = new JsonEncoder<BuildingRow>(buildings, (buildingEncoder as any).keys);
const pj = new JsonEncoder<PremiseRow>(premises, (premiseEncoder as any).keys);
const oj = new JsonEncoder<OwnerRow>(premiseOwners, (ownerEncoder as any).keys);

interface EncodedChunk {
  buildings: string[];
  premises: string[];
  owners: string[];
  premiseCount: number;
  ownerCount: number;
}

/**
 * Generates and loads `options.buildings` buildings with their premises and owners, in
 * one transaction (all or nothing) through COPY. Rows are produced a chunk at a time,
 * and the next chunk is generated while PostgreSQL ingests the previous one, so the two
 * cores work at once and memory stays flat at the national size.
 *
 * Refuses to add to a register that already has buildings: the generated cadastral
 * numbers and registration codes would collide with an earlier run's.
 */
export async function insertBuildings(sql: Sql, options: InsertBuildingsOptions): Promise<BuildingCounts> {
  const chunkSize = options.chunkSize ?? 1000;
  const generator = new BuildingGenerator({
    seed: options.seed,
    territories: options.territories ?? territoriesData,
    referenceDate: options.referenceDate,
  });
  const counts: BuildingCounts = { buildings: 0, premises: 0, premiseOwners: 0 };

  await sql.begin(async (tx) => {
    const [existing] = await tx<{ count: number }[]>`select count(*)::int as count from buildings.buildings`;
    if (existing && existing.count > 0) {
      throw new Error(`The register already has ${existing.count} buildings; reset it first (npm run seed -- --reset) to load demo data.`);
    }
    let loading: Promise<void> | undefined;
    while (counts.buildings < options.buildings) {
      const size = Math.min(chunkSize, options.buildings - counts.buildings);
      if (UNNEST) {
        const rows = await genRows(generator, size);
        await loading;
        loading = (async () => {
          for (const [enc, list] of [[bu, rows.b], [pu, rows.p], [ou, rows.o]] as const) {
            for (let i = 0; i < list.length; i += 5000) await tx.unsafe((enc as any).statement, (enc as any).encode(list.slice(i, i + 5000)));
          }
        })();
        loading.catch(() => {});
        counts.buildings += size; counts.premises += rows.p.length; counts.premiseOwners += rows.o.length;
        continue;
      }
      const chunk = await encodeChunk(generator, size);
      await loading;
      loading = JSON_MODE ? (async () => {
        await insertJson(tx, bj.statement, chunk.buildings);
        await insertJson(tx, pj.statement, chunk.premises);
        await insertJson(tx, oj.statement, chunk.owners);
      })() : (async () => {
        await copyInto(tx, buildingEncoder.statement, chunk.buildings);
        await copyInto(tx, premiseEncoder.statement, chunk.premises);
        await copyInto(tx, ownerEncoder.statement, chunk.owners);
      })();
      // Not awaited until the next chunk is ready; keep a failure from going unhandled meanwhile.
      loading.catch(() => {});
      counts.buildings += size;
      counts.premises += chunk.premiseCount;
      counts.premiseOwners += chunk.ownerCount;
    }
    await loading;
  });
  options.onProgress?.(counts.buildings);
  // Fresh statistics, or the planner treats the bulk-loaded tables as empty until autovacuum gets round to them.
  await sql`analyze buildings.buildings, buildings.premises, buildings.premise_owners`;
  return counts;
}

async function encodeChunk(generator: BuildingGenerator, size: number): Promise<EncodedChunk> {
  const buildingLines = JSON_MODE ? new ArrayBuffer_() : new LineBuffer();
  const premiseLines = JSON_MODE ? new ArrayBuffer_() : new LineBuffer();
  const ownerLines = JSON_MODE ? new ArrayBuffer_() : new LineBuffer();
  const be = JSON_MODE ? bj : buildingEncoder; const pe = JSON_MODE ? pj : premiseEncoder; const oe = JSON_MODE ? oj : ownerEncoder;
  let premiseCount = 0;
  let ownerCount = 0;
  for (let i = 0; i < size; i++) {
    const generated = generator.next();
    buildingLines.add(be.line(generated.building));
    for (const premise of generated.premises) premiseLines.add(pe.line(premise));
    for (const owner of generated.owners) ownerLines.add(oe.line(owner));
    premiseCount += generated.premises.length;
    ownerCount += generated.owners.length;
    // Let the socket drain the chunk being copied while this one is generated.
    if (i % 100 === 99) await yieldToEventLoop();
  }
  return { buildings: buildingLines.flush(), premises: premiseLines.flush(), owners: ownerLines.flush(), premiseCount, ownerCount };
}

class ArrayBuffer_ { pieces: string[] = []; add(l: string) { this.pieces.push(l); } flush() { return this.pieces; } }

const bu = new UnnestEncoder<BuildingRow>(buildings, (buildingEncoder as any).keys);
const pu = new UnnestEncoder<PremiseRow>(premises, (premiseEncoder as any).keys);
const ou = new UnnestEncoder<OwnerRow>(premiseOwners, (ownerEncoder as any).keys);
async function genRows(generator: BuildingGenerator, size: number) {
  const b: BuildingRow[] = [], p: PremiseRow[] = [], o: OwnerRow[] = [];
  for (let i = 0; i < size; i++) { const g = generator.next(); b.push(g.building); p.push(...g.premises); o.push(...g.owners); if (i % 100 === 99) await yieldToEventLoop(); }
  return { b, p, o };
}
