import { connectDatabase } from '../lib/db.js';
import { env } from '../lib/env.js';
import { log } from '../lib/log.js';
import { closeOnSignals } from '../lib/shutdown.js';
import { startTracing } from '../lib/tracing.js';
import { prepareDatabase } from './database.js';
import { printDemoTokens } from './seed/demo-tokens.js';
import { seedIfEmpty } from './seed/index.js';
import { startSystem } from './system.js';

// `npm start`: database (embedded unless DATABASE_URL), migrations, demo data, the four
// subgraphs and the gateway. Ctrl-C stops everything, the embedded database last.
const config = env();
// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (lib/tracing.ts). The lines for the
// person at the terminal (demo tokens, URLs) stay plain text; the services log JSON (lib/log.ts).
startTracing();
// Signals are handled below, so the services close before the database does.
const { server, url } = await prepareDatabase(console.log, { stopOnSignals: false });
let system: Awaited<ReturnType<typeof startSystem>> | undefined;
const shutdown = closeOnSignals(async () => system?.close(), server.stop);

try {
  const seeding = connectDatabase(url, { max: 2 });
  try {
    const report = await seedIfEmpty(seeding.db, config.DEMO_BUILDINGS, { log: console.log });
    if (report)
      console.log(
        `Loaded demo data in ${(report.elapsedMs / 1000).toFixed(1)} s: ${Object.entries(report.counts)
          .map(([table, count]) => `${count} ${table}`)
          .join(', ')}`,
      );
    await printDemoTokens(console.log, { db: seeding.db });
  } finally {
    await seeding.close();
  }
  system = await startSystem({
    databaseUrl: url,
    host: config.GATEWAY_HOST,
    gatewayPort: config.GATEWAY_PORT,
    subgraphPorts: {
      buildings: config.BUILDINGS_PORT,
      condominium: config.CONDOMINIUM_PORT,
      utilities: config.UTILITIES_PORT,
      access: config.ACCESS_PORT,
      integration: config.INTEGRATION_PORT,
    },
    gatewaySecret: config.GATEWAY_SECRET,
    ide: config.GATEWAY_INTROSPECTION,
    corsOrigins: config.CORS_ORIGINS,
    inlineTraces: config.SUBGRAPH_INLINE_TRACES,
    replicaUrls: config.DATABASE_REPLICA_URLS,
    replicaLag: { maxLagSeconds: config.DATABASE_REPLICA_MAX_LAG_SECONDS, checkSeconds: config.DATABASE_REPLICA_CHECK_SECONDS },
  });
  console.log(`\nGateway ready at ${system.gatewayUrl}`);
  console.log(`GraphiQL (works offline): ${system.gatewayUrl.replace(/graphql$/, '')}`);
} catch (error) {
  log.fatal(`the system did not start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
