import { connectDatabase } from './db.js';
import { requireEnv } from './env.js';
import { log } from './log.js';
import { closeOnSignals } from './shutdown.js';
import { subgraphNames, subgraphVariable } from './subgraph-names.js';
import type { SubgraphDefinition, SubgraphName } from './subgraph-server.js';
import { startSubgraph } from './subgraph-server.js';
import { startTracing } from './tracing.js';

const portVariable: Record<SubgraphName, 'BUILDINGS_PORT' | 'CONDOMINIUM_PORT' | 'UTILITIES_PORT' | 'ACCESS_PORT' | 'INTEGRATION_PORT'> = {
  buildings: 'BUILDINGS_PORT',
  condominium: 'CONDOMINIUM_PORT',
  utilities: 'UTILITIES_PORT',
  access: 'ACCESS_PORT',
  integration: 'INTEGRATION_PORT',
};

/** Entry point of a subgraph running as its own process (docker-compose, scaling out). */
export async function runSubgraph(definition: SubgraphDefinition): Promise<void> {
  // Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (lib/tracing.ts).
  startTracing(definition.name);
  const config = requireEnv('subgraph');
  const handle = connectDatabase(config.DATABASE_URL, {
    replicaUrls: config.DATABASE_REPLICA_URLS,
    replicaLag: { maxLagSeconds: config.DATABASE_REPLICA_MAX_LAG_SECONDS, checkSeconds: config.DATABASE_REPLICA_CHECK_SECONDS },
  });
  const running = await startSubgraph(definition, {
    db: handle.db,
    databaseUrl: config.DATABASE_URL,
    gatewaySecret: config.GATEWAY_SECRET,
    host: config.SUBGRAPH_HOST,
    port: config[portVariable[definition.name]],
    inlineTraces: config.SUBGRAPH_INLINE_TRACES,
    // Where the others answer (the integration subgraph's monitor checks them): the gateway's own variables.
    subgraphUrls: Object.fromEntries(
      subgraphNames.flatMap((name) => {
        const url = config[subgraphVariable(name, 'URL')];
        return url ? [[name, url]] : [];
      }),
    ),
  });
  log.info({ service: definition.name, url: running.url }, `${definition.name} subgraph listening`);
  closeOnSignals(running.close, handle.close);
}
