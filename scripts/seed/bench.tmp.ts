import { startPostgres } from '../../lib/postgres-server.js';
import { ensureDatabase, migrateDatabase } from '../../lib/migrate.js';
import { connectDatabase } from '../../lib/db.js';
import { resetDemoData } from './index.js';
import { upsertTerritories } from './territories-seeder.js';
import { insertBuildings } from './buildings-seeder.js';
const n = Number(process.argv[2] ?? 20000);
const mode = process.argv[3] ?? '';
const server = await startPostgres({ dataDir: '/tmp/seedpg', disposable: process.env.DISPOSABLE === '1' });
import postgres from 'postgres';
const admin = postgres(server.url, { max: 1, onnotice: () => {} });
await admin.unsafe('drop database if exists bench with (force)');
await admin.end();
const url = await ensureDatabase(server.url, 'bench');
await migrateDatabase(url);
const { db, close } = connectDatabase(url, { max: 2 });
await resetDemoData(db);
await upsertTerritories(db);
const client = (db as any).$client;
if (mode.includes('noidx')) {
  await client.unsafe('drop index if exists buildings.premises_building_kind_number_key; drop index if exists buildings.premise_owners_premise_idx; drop index if exists buildings.premise_owners_identification_number_idx');
}
if (mode.includes('nofk')) {
  await client.unsafe('alter table buildings.premise_owners drop constraint if exists premise_owners_premise_id_premises_id_fk; alter table buildings.premises drop constraint if exists premises_building_id_buildings_id_fk');
}
const t = performance.now();
const counts = await insertBuildings(client, { buildings: n, seed: 1, referenceDate: new Date(), chunkSize: Number(process.env.CHUNK ?? 1000) });
const s = (performance.now() - t) / 1000;
const rows = counts.buildings + counts.premises + counts.premiseOwners;
console.log(mode, counts, s.toFixed(1), 's', Math.round(rows / s), 'rows/s');
await close();
await server.stop();
