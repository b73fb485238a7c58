import { closeOnSignals } from './shutdown.js';
import { connectDatabase } from './db.js';
import { env } from './env.js';
import type { SubgraphDefinition, SubgraphName } from './subgraph-server.js';
import { startSubgraph } from './subgraph-server.js';

const portVariable: Record<SubgraphName, 'BUILDINGS_PORT' | 'CONDOMINIUM_PORT' | 'UTILITIES_PORT' | 'ACCESS_PORT'> = {
  buildings: 'BUILDINGS_PORT',
  condominium: 'CONDOMINIUM_PORT',
  utilities: 'UTILITIES_PORT',
  access: 'ACCESS_PORT',
};

/** Entry point of a subgraph running as its own process (docker-compose, scaling out). */
export async function runSubgraph(definition: SubgraphDefinition): Promise<void> {
  const config = env();
  if (!config.DATABASE_URL) throw new Error('A subgraph running alone needs DATABASE_URL (npm start runs everything with an embedded database).');
  if (!config.GATEWAY_SECRET) throw new Error('A subgraph running alone needs GATEWAY_SECRET, the secret it shares with the gateway.');
  const handle = connectDatabase(config.DATABASE_URL);
  const running = await startSubgraph(definition, {
    db: handle.db,
    gatewaySecret: config.GATEWAY_SECRET,
    host: config.SUBGRAPH_HOST,
    port: config[portVariable[definition.name]],
    inlineTraces: config.SUBGRAPH_INLINE_TRACES,
  });
  console.log(`${definition.name} subgraph at ${running.url}`);
  closeOnSignals(running.close, handle.close);
}
