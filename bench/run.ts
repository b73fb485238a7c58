import './environment.js';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres, withDatabase } from '../lib/postgres-server.js';
import { startSystem } from '../scripts/system.js';
import { callerHeaders } from '../test/support/signed-request.js';
import { runAnalyticsBench } from './analytics.js';
import { prepareDataset } from './dataset.js';
import { run as runEnforcement } from './enforcement.js';
import { runReadingsBench } from './readings.js';

// `npm run bench [-- --buildings 20000 --requests 300 --readings 1000000]`: generates the dataset
// (bench/dataset.ts and bench/national-dataset.ts: generated on the server; 300,000 buildings is
// the national size, the default 20,000 a fifteenth of it; `--months` of utilities, default 2;
// kept between runs), starts the whole system
// and measures it: a page of buildings, the ministry dashboard and the drill-down
// (bench/analytics.ts), the cost of enforcement, then ingests `--readings` meter readings
// through the gateway next to the same rows written straight to Postgres (bench/readings.ts;
// `--readings 100000` for a quick run, 0 to skip); writes bench/report.md and
// bench/report.json. Ratios are taken
// within one run (these machines are noisy), never asserted in tests.

const { values } = parseArgs({
  options: {
    buildings: { type: 'string', default: '20000' },
    requests: { type: 'string', default: '300' },
    'dashboard-requests': { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    readings: { type: 'string', default: '1000000' },
    months: { type: 'string', default: '2' },
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
/** The embedded server's postmaster, found by its data folder, for its memory. */
function postmasterPid(dataDir: string): number | null {
  const folder = resolve(dataDir);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(folder) && cmdline.split('\0')[0]?.endsWith('postgres')) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

const json: Record<string, unknown> = {};
try {
  const adminUrl = server.embedded ? server.url : withDatabase(server.url, 'postgres');
  const dataset = await prepareDataset(adminUrl, buildingCount, (line) => console.log(line), {
    months: Number(values.months),
  });
  const url = dataset.url;
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    host: hostname(),
    loadAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
  json.machine = machine;
  json.dataset = { name: dataset.name, reused: dataset.reused, ...dataset.generation };
  const rssBefore = process.memoryUsage().rss;
  const system = await startSystem({
    databaseUrl: url,
    host: '127.0.0.1',
    gatewayPort: 0,
    subgraphPorts: { buildings: 0, condominium: 0, utilities: 0, access: 0 },
    ide: false,
    backgroundWork: false,
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
    say(
      `Run on ${new Date().toISOString()}, Node ${process.version}, ${server.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}; ` +
        `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, load ${machine.loadAtStart.join(' / ')} at start (shared with other work).`,
    );
    say();
    const g = dataset.generation;
    say(
      `## The dataset: ${g.buildings.toLocaleString('en')} buildings (${Math.round((g.buildings / 300_000) * 1000) / 10}% of the national 300,000)`,
    );
    say();
    say('| buildings | premises | owners | accounts | meters | readings | charges | payments | database MiB |');
    say('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    say(
      `| ${[g.buildings, g.premises, g.owners, g.accounts, g.meters, g.readings, g.charges, g.payments, g.databaseMiB].map((n) => n.toLocaleString('en')).join(' | ')} |`,
    );
    say();
    const total = g.registerSeconds + g.demoSeconds + g.activitySeconds;
    say(
      `Generated ${dataset.reused ? `on ${g.generatedAt} and reused (database ${dataset.name})` : 'in this run'} in ${Math.round(total)} s on the server ` +
        `(bench/national-dataset.ts: \`insert … select\` over \`generate_series\` per district, two connections, triggers on): ` +
        `the register in ${g.registerSeconds} s (${Math.round(g.premises / g.registerSeconds).toLocaleString('en')} premises/s), the demo users and OSI in ${g.demoSeconds} s, ` +
        `management, reports, requests and ${g.months} months (to ${g.month}) of utilities in ${g.activitySeconds} s.`,
    );
    say();
    say(
      `All rows: ${Object.entries(g.rows)
        .map(([table, n]) => `${table} ${n.toLocaleString('en')}`)
        .join(', ')}.`,
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
    const analytics = await runAnalyticsBench({
      system,
      url,
      analystToken: dataset.tokens.analyst?.token ?? '',
      month: dataset.generation.month,
      requests: Number(values['dashboard-requests']),
      concurrency,
      seconds: loadSeconds,
      postmasterPid: server.embedded ? postmasterPid('.data/postgres-bench') : null,
    });
    lines.push(analytics.report, '');
    json.analytics = analytics.json;
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
    json.readings = {
      gatewayRate: readings.gatewayRate,
      rawRate: readings.rawRate,
      rulesCeiling: readings.rulesCeiling,
      peakRssMiB: readings.peakRssMiB,
    };
  }
  writeFileSync(new URL('./report.md', import.meta.url), lines.join('\n'));
  writeFileSync(new URL('./report.json', import.meta.url), `${JSON.stringify(json, null, 2)}\n`);
  console.log('Wrote bench/report.md and bench/report.json');
} finally {
  await server.stop();
}
