import { parseArgs } from 'node:util';
import { connectDatabase } from '../lib/db.js';
import { env } from '../lib/env.js';
import { prepareDatabase } from './database.js';
import { DEFAULT_SEED, resetDemoData, seedDemoData } from './seed/index.js';

// `npm run seed -- --buildings N [--seed S] [--reset]`: loads deterministic demo data
// into the database `npm start` uses (DATABASE_URL, or the embedded server).
const usage = 'Usage: npm run seed -- [--buildings N] [--seed S] [--reset]';

function parseCount(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    console.error(`--${name} must be a non-negative integer, got "${value}".\n${usage}`);
    process.exit(2);
  }
  return number;
}

const options = {
  buildings: { type: 'string' },
  seed: { type: 'string' },
  reset: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
let args: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
try {
  args = parseArgs({ options }).values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(
    `${usage}\n  --buildings  buildings to generate (default DEMO_BUILDINGS = ${env().DEMO_BUILDINGS})\n  --seed       generator seed (default ${DEFAULT_SEED}); the same seed gives the same data\n  --reset      delete existing demo data first`,
  );
  process.exit(0);
}
const buildings = parseCount('buildings', args.buildings, env().DEMO_BUILDINGS);
const seed = parseCount('seed', args.seed, DEFAULT_SEED);

const { server, url } = await prepareDatabase();
const { db, close } = connectDatabase(url, { max: 2 });
let exitCode = 0;
try {
  if (args.reset) {
    await resetDemoData(db);
    console.log('Existing demo data deleted.');
  }
  const report = await seedDemoData(db, { buildings, seed, log: (line) => console.log(line) });
  const seconds = report.elapsedMs / 1000;
  const rows = Object.values(report.counts).reduce((sum, count) => sum + count, 0);
  for (const [table, count] of Object.entries(report.counts)) console.log(`  ${table.padEnd(16)} ${count.toLocaleString('en-US')}`);
  console.log(`Done in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en-US')} rows/s).`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await close();
  await server.stop();
}
process.exit(exitCode);
