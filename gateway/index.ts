import { closeOnSignals } from '../lib/shutdown.js';
import { connectDatabase } from '../lib/db.js';
import { env } from '../lib/env.js';
import { startGateway } from './server.js';

// The gateway as its own process (docker-compose): subgraph URLs from the environment.
const config = env();
if (!config.DATABASE_URL || !config.GATEWAY_SECRET) throw new Error('The gateway needs DATABASE_URL and GATEWAY_SECRET.');
const missing = (['BUILDINGS_URL', 'CONDOMINIUM_URL', 'UTILITIES_URL', 'ACCESS_URL'] as const).filter((name) => !config[name]);
if (missing.length) throw new Error(`The gateway needs ${missing.join(', ')}.`);
const handle = connectDatabase(config.DATABASE_URL);
const running = await startGateway({
  db: handle.db,
  gatewaySecret: config.GATEWAY_SECRET,
  subgraphUrls: {
    buildings: config.BUILDINGS_URL as string,
    condominium: config.CONDOMINIUM_URL as string,
    utilities: config.UTILITIES_URL as string,
    access: config.ACCESS_URL as string,
  },
  host: config.GATEWAY_HOST,
  port: config.GATEWAY_PORT,
  ide: config.GATEWAY_INTROSPECTION,
  corsOrigins: config.CORS_ORIGINS,
});
console.log(`Gateway ready at ${running.url}`);
closeOnSignals(running.close, handle.close);
