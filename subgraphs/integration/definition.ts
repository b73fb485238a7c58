/**
 * The integration subgraph: outbound integration (p.32). It serves the change feed that
 * every write records in `platform.changes` (`lib/changes.ts`), keeps digital objects'
 * webhook subscriptions and their deliveries (the `integration` schema), and its process
 * runs the job queue's worker (`lib/jobs.ts`): the webhook fan-out and deliveries, and the
 * outbox's mail when SMTP_URL is set.
 *
 *   schema.graphql            the SDL; every type and field described
 *   permissions.ts            a rule for every field; personal data (none)
 *   context.ts, loaders.ts    the request's context; the feed within the caller's scope
 *   feed-scope.ts             who reads which changes (SQL for pages, in memory for the fan-out)
 *   resolvers/<Type>.ts       thin: parse arguments, call a loader or the manager in `runWrite`
 *   webhook-manager.ts        subscriptions: create, pause, resume, replay, delete
 *   webhook-dispatch.ts       the queue's tasks: fan-out of the feed, signed deliveries
 *   webhook-target.ts         where deliveries may go (SSRF guard), and the POST itself
 *   webhook-signature.ts      HMAC-SHA256 signatures, and their verification
 *   monitor.ts                checks the database and every subgraph; incidents and the owners' notices (p.34)
 *   changes-repository.ts, webhook-repository.ts, incident-repository.ts   the SQL
 */
import { env } from '../../lib/env.js';
import { startJobWorker } from '../../lib/jobs.js';
import { scalarResolvers } from '../../lib/scalars.js';
import { mailTransportFromConfig } from '../../lib/smtp-transport.js';
import { loadSchemaFile, type SubgraphDefinition } from '../../lib/subgraph-schema.js';
import { createLoaders, type Loaders } from './loaders.js';
import { monitoredServices, startMonitor } from './monitor.js';
import { permissions, personalData } from './permissions.js';
import { Change } from './resolvers/Change.js';
import { Export, ExportPart } from './resolvers/Export.js';
import { Incident } from './resolvers/Incident.js';
import { Mutation } from './resolvers/Mutation.js';
import { OpenDataStatistics } from './resolvers/OpenDataStatistics.js';
import { Query } from './resolvers/Query.js';
import { WebhookDelivery, WebhookSubscription } from './resolvers/WebhookSubscription.js';
import { integrationTasks } from './webhook-dispatch.js';

export const definition: SubgraphDefinition<Loaders> = {
  name: 'integration',
  typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
  resolvers: {
    DateTime: scalarResolvers.DateTime,
    Date: scalarResolvers.Date,
    Query,
    Mutation,
    Change,
    Incident,
    OpenDataStatistics,
    Export,
    ExportPart,
    WebhookSubscription,
    WebhookDelivery,
  },
  permissions,
  personalData,
  createLoaders,
  /**
   * The job queue's worker and the monitor of p.34 (`monitor.ts`); any number of integration
   * processes may run both (each incident and its notices are written once).
   */
  startBackgroundWork: (db, { databaseUrl, subgraphUrls }) => {
    if (!databaseUrl) return null;
    const config = env();
    const monitor =
      config.MONITOR_INTERVAL_SECONDS > 0
        ? startMonitor({
            db,
            services: () => monitoredServices(subgraphUrls ?? {}),
            intervalMs: config.MONITOR_INTERVAL_SECONDS * 1000,
            failureChecks: config.MONITOR_FAILURE_CHECKS,
            timeoutMs: config.MONITOR_CHECK_TIMEOUT_MS,
          })
        : null;
    const tasks = integrationTasks(db, {
      allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      failureThreshold: config.WEBHOOK_FAILURE_THRESHOLD,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      mailTransport: mailTransportFromConfig(config),
    });
    const started = startJobWorker({ connectionString: databaseUrl, tasks }).catch((error: unknown) => {
      console.error(`[jobs] the worker did not start: ${error instanceof Error ? error.message.split('\n')[0] : 'error'}`);
      return null;
    });
    return async () => {
      await monitor?.stop();
      const stop = await started;
      await stop?.();
    };
  },
};
