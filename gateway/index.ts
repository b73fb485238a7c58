import { requireEnv } from '../lib/env.js';
import { log } from '../lib/log.js';
import { closeOnSignals } from '../lib/shutdown.js';
import { startTracing } from '../lib/tracing.js';
import { callerEndpointOf } from './caller-client.js';
import { startGateway } from './server.js';

// The gateway as its own process (docker-compose): subgraph URLs from the environment, no
// database and no secret (callers are resolved at the access service's `/caller`).
const config = requireEnv('gateway');
// Traces only when OTEL_EXPORTER_OTLP_ENDPOINT is set (lib/tracing.ts).
startTracing('gateway');
const running = await startGateway({
  callerUrl: config.ACCESS_CALLER_URL ?? callerEndpointOf(config.ACCESS_URL),
  subgraphUrls: {
    buildings: config.BUILDINGS_URL,
    condominium: config.CONDOMINIUM_URL,
    utilities: config.UTILITIES_URL,
    access: config.ACCESS_URL,
    integration: config.INTEGRATION_URL,
  },
  host: config.GATEWAY_HOST,
  port: config.GATEWAY_PORT,
  ide: config.GATEWAY_INTROSPECTION,
  corsOrigins: config.CORS_ORIGINS,
});
log.info({ service: 'gateway', url: running.url }, 'gateway listening');
closeOnSignals(running.close);
