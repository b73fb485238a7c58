import { closeOnSignals } from '../lib/shutdown.js';
import { connectDatabase } from '../lib/db.js';
import { requireEnv } from '../lib/env.js';
import { startGateway } from './server.js';

// The gateway as its own process (docker-compose): subgraph URLs from the environment.
const config = requireEnv('gateway');
const handle = connectDatabase(config.DATABASE_URL);
const running = await startGateway({
  db: handle.db,
  gatewaySecret: config.GATEWAY_SECRET,
  subgraphUrls: {
    buildings: config.BUILDINGS_URL,
    condominium: config.CONDOMINIUM_URL,
    utilities: config.UTILITIES_URL,
    access: config.ACCESS_URL,
  },
  host: config.GATEWAY_HOST,
  port: config.GATEWAY_PORT,
  ide: config.GATEWAY_INTROSPECTION,
  corsOrigins: config.CORS_ORIGINS,
});
console.log(`Gateway ready at ${running.url}`);
closeOnSignals(running.close, handle.close);
