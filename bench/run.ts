import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { connectDatabase } from '../lib/db.js';
import { ensureDatabase, migrateDatabase } from '../lib/migrate.js';
import { startPostgres, withDatabase } from '../lib/postgres-server.js';
import { createAccessSeeder } from '../scripts/seed/access-seeder.js';
import { demoSeeders, seedDemoData } from '../scripts/seed/index.js';
import { startSystem } from '../scripts/system.js';
import { callerHeaders } from '../test/support/signed-request.js';
import { run as runEnforcement } from './enforcement.js';
import { runReadingsBench } from './readings.js';

// `npm run bench [-- --buildings 20000 --requests 300 --readings 1000000]`: seeds a throw-away
// database, starts the whole system and measures it, then ingests `--readings` meter readings
// through the gateway next to the same rows written straight to Postgres (bench/readings.ts;
// `--readings 100000` for a quick run, 0 to skip); writes bench/report.md. Ratios are taken
// within one run (these machines are noisy), never asserted in tests.

// The benchmark measures the system, not its quotas: a few clients send far more than a
// caller's budget on purpose.
process.env.GATEWAY_QUOTAS ??= 'false';
// One log line per request would drown the report.
process.env.LOG_LEVEL ??= 'warn';

const { values } = parseArgs({
  options: {
    buildings: { type: 'string', default: '20000' },
    requests: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    readings: { type: 'string', default: '1000000' },
  },
});
const buildingCount = Number(values.buildings);
const requestCount = Number(values.requests);
const concurrency = Number(values.concurrency);
const loadSeconds = Number(values.seconds);

const pageQuery = `query Page($after: String) {
  buildings(first: 100, after: $after, filter: { katoCode: "750000000" }) {
    edges { node {
      id cadastralNumber katoCode addressRegistrationCode purpose fundCategory condominiumRegistered
      hasTechnicalPassport balanceOwnership liftCount electricityConnected yearBuilt lastCapitalRepairDate
      totalPremisesCount floorCount apartmentCount nonResidentialPremisesCount heatingSupplyType heatingSupplyKind
      gasSupplyKind hasGasPipeline hotWaterSupplyType waterSupplyKind hasWaterPipeline sewerageKind hasSewer
      commonMeterCount condition registerExitReason barrierFree
      region { katoCode nameKk nameRu }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function post(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await response.json()) as { errors?: unknown[] };
  if (!response.ok || json.errors)
    throw new Error(`Benchmark request failed: ${response.status} ${JSON.stringify(json.errors).slice(0, 300)}`);
}

const server = await startPostgres({ databaseUrl: process.env.DATABASE_URL, dataDir: '.data/postgres-bench', disposable: true });
const lines: string[] = [];
const say = (line = '') => {
  console.log(line);
  lines.push(line);
};
try {
  // A fresh database every run, so figures are comparable between runs.
  const adminUrl = server.embedded ? server.url : withDatabase(server.url, 'postgres');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists housing_bench with (force)');
  await admin.end();
  const url = await ensureDatabase(adminUrl, 'housing_bench');
  await migrateDatabase(url);
  const seeding = connectDatabase(url, { max: 2 });
  // The bench's own tokens file, so a run never replaces the demo tokens of `npm start`.
  const seeders = demoSeeders.map((seeder) =>
    seeder.name === 'access' ? createAccessSeeder({ tokensFile: '.data/bench-demo-tokens.json' }) : seeder,
  );
  const seeded = await seedDemoData(seeding.db, { buildings: buildingCount, seed: 1 }, seeders);
  await seeding.close();

  const rssBefore = process.memoryUsage().rss;
  const system = await startSystem({
    databaseUrl: url,
    host: '127.0.0.1',
    gatewayPort: 0,
    subgraphPorts: { buildings: 0, condominium: 0, utilities: 0, access: 0 },
    ide: false,
  });
  try {
    const body = JSON.stringify({ query: pageQuery });
    const direct = () => post(system.subgraphUrls.buildings, body, callerHeaders({ kind: 'anonymous' }, system.gatewaySecret)(body));
    const viaGateway = () => post(system.gatewayUrl, body, {});
    for (let i = 0; i < 30; i += 1) {
      await direct();
      await viaGateway();
    }
    const directTimes: number[] = [];
    const gatewayTimes: number[] = [];
    // Interleaved, so both see the same machine load.
    for (let i = 0; i < requestCount; i += 1) {
      let start = performance.now();
      await direct();
      directTimes.push(performance.now() - start);
      start = performance.now();
      await viaGateway();
      gatewayTimes.push(performance.now() - start);
    }
    directTimes.sort((a, b) => a - b);
    gatewayTimes.sort((a, b) => a - b);

    let completed = 0;
    const deadline = performance.now() + loadSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          await viaGateway();
          completed += 1;
        }
      }),
    );
    const memory = process.memoryUsage();

    say('# Benchmark report');
    say();
    say(`Run on ${new Date().toISOString()}, Node ${process.version}, ${server.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}.`);
    say();
    say('## Demo data generation (bulk multi-row inserts, two connections)');
    say();
    say(`| buildings | premises | owners | seconds | buildings/s | premises/s |`);
    say(`|---:|---:|---:|---:|---:|---:|`);
    const seconds = seeded.elapsedMs / 1000;
    const premisesCount = seeded.counts.premises ?? 0;
    say(
      `| ${seeded.counts.buildings} | ${premisesCount} | ${seeded.counts.premiseOwners ?? 0} | ${round(seconds, 1)} | ${Math.round((seeded.counts.buildings ?? 0) / seconds)} | ${Math.round(premisesCount / seconds)} |`,
    );
    say();
    say(`## A page of 100 Almaty buildings, all 29 fields and region: gateway vs direct subgraph (${requestCount} interleaved requests)`);
    say();
    say('| path | median ms | p95 ms |');
    say('|---|---:|---:|');
    say(`| buildings subgraph, direct | ${round(percentile(directTimes, 0.5))} | ${round(percentile(directTimes, 0.95))} |`);
    say(`| through the gateway | ${round(percentile(gatewayTimes, 0.5))} | ${round(percentile(gatewayTimes, 0.95))} |`);
    say();
    say(`Gateway / direct, median: **×${round(percentile(gatewayTimes, 0.5) / percentile(directTimes, 0.5))}**.`);
    say();
    say(`## Throughput through the gateway (${concurrency} concurrent clients, ${loadSeconds} s, everything in one process)`);
    say();
    say(`${round(completed / loadSeconds, 1)} pages/s (${Math.round((completed * 100) / loadSeconds)} buildings/s).`);
    say();
    say('## Memory of the process running the gateway and the subgraphs');
    say();
    say(
      `RSS ${Math.round(memory.rss / 2 ** 20)} MiB after the load (${Math.round(rssBefore / 2 ** 20)} MiB after seeding, before the services started); heap used ${Math.round(memory.heapUsed / 2 ** 20)} MiB.`,
    );
    say();
  } finally {
    await system.close();
  }

  const enforcement = await runEnforcement();
  say(`## ${enforcement.name}`);
  say();
  say(enforcement.report);
  say();
  if (Number(values.readings) > 0) {
    // On the same server, in its own database, after the other services have stopped.
    const readings = await runReadingsBench({ readings: Number(values.readings), batch: 10_000, adminUrl });
    lines.push(readings.report, '');
  }
  writeFileSync(new URL('./report.md', import.meta.url), lines.join('\n'));
  console.log('Wrote bench/report.md');
} finally {
  await server.stop();
}
