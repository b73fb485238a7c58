import { SQL, sql } from 'drizzle-orm';
import { type JobHelpers, Logger, type Runner, run, runMigrations, runOnce, type Task, type TaskList } from 'graphile-worker';
import { Pool } from 'pg';
import postgres from 'postgres';
import { describeForLog } from './errors.js';
import { log } from './log.js';

/**
 * The job queue: graphile-worker (PostgreSQL only, no other service). Jobs are rows of its
 * own schema, `graphile_worker`, which it installs and upgrades itself (`installJobQueue`,
 * run by `migrateDatabase` after the project's migrations). A job is added with SQL
 * (`graphile_worker.add_job`) inside the transaction of the change it follows up, so it
 * exists exactly when the change does; workers take due jobs with `SKIP LOCKED`, retry a
 * failed one with exponential backoff (e^attempt seconds, at most e^10 ≈ 6 h apart) and
 * give up after `max_attempts`.
 */

/** The tasks of the queue, by identifier. */
export const TaskName = {
  /** Sends one outbox message by mail (`lib/outbox.ts`). */
  SendMail: 'mail.send',
  /** Turns new changes of the feed into webhook deliveries (the integration subgraph). */
  FanOut: 'webhook.fan-out',
  /** Sends one webhook delivery (the integration subgraph). */
  Deliver: 'webhook.deliver',
  /** Writes one large export in parts (the integration subgraph). */
  Export: 'export.run',
} as const;
export type TaskName = (typeof TaskName)[keyof typeof TaskName];

export interface JobOptions {
  /** One pending job per key: adding another with the same key replaces it (while it has not started). An SQL expression for a key per row. */
  jobKey?: string | SQL;
  /** With `jobKey`: keep the pending job's due time rather than moving it (coalesces a stream of adds). */
  preserveRunAt?: boolean;
  maxAttempts?: number;
  runAt?: Date;
}

/** `graphile_worker.add_job(…)` as an SQL expression, for a statement of the caller's transaction. */
export function jobSpec(task: TaskName, payload: Record<string, unknown> | SQL, options: JobOptions = {}): SQL {
  const json = payload instanceof SQL ? payload : sql`${JSON.stringify(payload)}::json`;
  return sql`graphile_worker.add_job(${task}, ${json},
      run_at => ${options.runAt ? options.runAt.toISOString() : null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? null}::int,
      job_key => ${options.jobKey instanceof SQL ? options.jobKey : (options.jobKey ?? null)}::text,
      job_key_mode => ${options.preserveRunAt ? 'preserve_run_at' : 'replace'}::text)`;
}

/**
 * A task whose failures reach the queue (its `last_error` column and log) as one safe line:
 * our own messages as they are, anything else (a database error carries the statement's
 * parameters) as `describeForLog` puts it.
 */
export function safeTask<P>(run: (payload: P, helpers: JobHelpers) => Promise<unknown>): Task {
  return async (payload, helpers) => {
    try {
      await run(payload as P, helpers);
    } catch (error) {
      throw error instanceof TaskFailure ? error : new TaskFailure(describeForLog(error));
    }
  };
}

/** A failure a task reports on purpose: its message carries no personal data, no secret and no parameters. */
export class TaskFailure extends Error {}

/** Installs or upgrades the queue's own schema (`graphile_worker`); idempotent, safe when several processes start together. */
export async function installJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietLogger, maxPoolSize: 2 });
}

/** graphile-worker's log lines without job payloads or stacks: warnings and errors only, one line each. */
export const quietLogger = new Logger(() => (level, message) => {
  if (level !== 'error' && level !== 'warning') return;
  log[level === 'error' ? 'error' : 'warn']({ component: 'jobs' }, String(message).split('\n')[0]?.slice(0, 300) ?? '');
});

export interface JobWorkerOptions {
  connectionString: string;
  tasks: TaskList;
  /** Jobs run at once by this process. */
  concurrency?: number;
  /** How often the queue is looked at besides the notification of a new job (ms). */
  pollInterval?: number;
}

/**
 * Runs the queue's worker in this process until the returned function is called; any
 * number of processes may run one. Signals are left to the process (`lib/shutdown.ts`).
 */
export async function startJobWorker(options: JobWorkerOptions): Promise<() => Promise<void>> {
  const pgPool = ownPool(options.connectionString, (options.concurrency ?? 4) + 2);
  const runner: Runner = await run({
    pgPool,
    taskList: options.tasks,
    concurrency: options.concurrency ?? 4,
    pollInterval: options.pollInterval ?? 2_000,
    noHandleSignals: true,
    logger: quietLogger,
  }).catch(async (error: unknown) => {
    await pgPool.end();
    throw error;
  });
  return async () => {
    await runner.stop();
    await pgPool.end();
  };
}

/**
 * The queue's connections, owned here rather than by graphile-worker: stopping waits until
 * every one has closed (a pool graphile creates is released in the background, and its
 * sessions could still be closing when the database goes away), and a session the server
 * ends, idle or checked out, is logged instead of thrown (graphile-worker asks for both handlers).
 */
function ownPool(connectionString: string, max: number): Pool {
  const pool = new Pool({ connectionString, max });
  const ended = (error: Error) => log.warn({ component: 'jobs' }, `a queue connection ended: ${describeForLog(error)}`);
  pool.on('error', ended);
  // A session the server ends while a client is checked out is reported on the client.
  pool.on('connect', (client) => client.on('error', ended));
  return pool;
}

/**
 * Runs every job that is due now, then returns once their outcomes are recorded (graphile's
 * `runOnce` may return while the last job's completion is still being written): for tests
 * and one-off scripts.
 */
export async function runDueJobs(connectionString: string, tasks: TaskList): Promise<void> {
  const pgPool = ownPool(connectionString, 2);
  try {
    await runOnce({ pgPool, taskList: tasks, logger: quietLogger, noHandleSignals: true });
  } finally {
    await pgPool.end();
  }
  const client = postgres(connectionString, { max: 1, onnotice: () => {} });
  try {
    for (let waited = 0; waited < 5_000; waited += 20) {
      const [row] = await client<{ locked: number }[]>`
        select count(*)::int as locked from graphile_worker.jobs where locked_at is not null and task_identifier = any(${Object.keys(tasks)})`;
      if (!row?.locked) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
