import { sql } from 'drizzle-orm';
import type { Database } from '../../lib/db.js';
import { describeForLog } from '../../lib/errors.js';
import type { SubgraphName } from '../../lib/subgraph-names.js';
import { IncidentRepository } from './incident-repository.js';

/**
 * The monitor of p.33–34: every `intervalMs` it checks the database (`select 1`) and each
 * subgraph's `/health`. A component failing `failureChecks` checks in a row gets an
 * incident (`integration.incidents`) and the owners of LIVE digital objects a notice
 * through the outbox; at its first passing check after that, the incident closes and they
 * get a recovery notice. Each once per incident, whichever replica's monitor writes first.
 *
 * While the database is down nothing can be written, the notices included (the outbox and
 * the job queue are in the database): the monitor keeps what it noticed in memory, in order,
 * and writes it at the first check the database passes. An incident that begins and ends
 * before it can be written (the database's own, always) is written closed, with one notice
 * saying when it failed and when it was back.
 */
export interface MonitorOptions {
  db: Database;
  /** What to check besides the database: component name (`BUILDINGS`, …) → the service's base URL. Read at every check. */
  services: () => Record<string, string>;
  intervalMs: number;
  /** Consecutive failed checks that make an incident. */
  failureChecks: number;
  /** How long one check may take before it counts as failed. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface RunningMonitor {
  /** Runs one round of checks now (and writes what it can); the timer runs them by itself. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

interface ComponentState {
  failures: number;
  firstFailureAt: Date | null;
  problem: string | null;
  /** An incident is open (written, or waiting to be written). */
  open: boolean;
}

type Event = { kind: 'open'; component: string; at: Date; problem: string } | { kind: 'close'; component: string; at: Date };

/** Events kept while the database is down; past this the oldest go (with a log line). */
const MAX_PENDING = 1_000;

export const DATABASE_COMPONENT = 'DATABASE';

/** One failed check, in words safe for the log and the incident (no address, no parameters). */
async function checkService(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? null : `/health answered HTTP ${response.status}`;
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
      return `/health did not answer within ${timeoutMs} ms`;
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return typeof code === 'string' ? `/health unreachable (${code})` : '/health unreachable';
  }
}

async function checkDatabase(db: Database, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer to select 1 within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([db.execute(sql`select 1`).then(() => null), timeout]);
  } catch (error) {
    return describeForLog(error).slice(0, 200);
  } finally {
    clearTimeout(timer);
  }
}

export function startMonitor(options: MonitorOptions): RunningMonitor {
  const log = options.log ?? ((line: string) => console.error(line));
  const incidents = new IncidentRepository(options.db);
  const states = new Map<string, ComponentState>();
  const pending: Event[] = [];
  let synced = false;
  let writeFailureLogged = false;
  let running: Promise<void> | null = null;
  let stopped = false;

  const stateOf = (component: string): ComponentState => {
    let state = states.get(component);
    if (!state) states.set(component, (state = { failures: 0, firstFailureAt: null, problem: null, open: false }));
    return state;
  };

  function push(event: Event): void {
    pending.push(event);
    if (pending.length > MAX_PENDING) {
      pending.shift();
      log(`[monitor] more than ${MAX_PENDING} incident events wait for the database; the oldest was dropped`);
    }
  }

  function observe(component: string, problem: string | null, at: Date): void {
    const state = stateOf(component);
    if (problem === null) {
      if (state.open) {
        push({ kind: 'close', component, at });
        log(`[monitor] ${component} is back`);
      }
      Object.assign(state, { failures: 0, firstFailureAt: null, problem: null, open: false });
      return;
    }
    state.failures += 1;
    state.firstFailureAt ??= at;
    state.problem = problem;
    if (!state.open && state.failures >= options.failureChecks) {
      state.open = true;
      push({ kind: 'open', component, at: state.firstFailureAt, problem });
      log(`[monitor] ${component} is failing: ${problem}`);
    }
  }

  /** Writes waiting events in order; stops at the first that fails (the database went again) and keeps the rest. */
  async function flush(): Promise<void> {
    if (!synced) {
      // Incidents a previous run of this process (or another replica) left open: close them when their component passes.
      for (const component of await incidents.openComponents()) stateOf(component).open = true;
      synced = true;
    }
    while (pending.length > 0) {
      const event = pending[0] as Event;
      if (event.kind === 'open') {
        const closing = pending.findIndex((other, index) => index > 0 && other.component === event.component);
        const next = closing > 0 ? pending[closing] : undefined;
        if (next?.kind === 'close') {
          // Over before it could be written: one closed incident, one notice saying both.
          await incidents.open(event.component, event.at, event.problem, next.at);
          pending.splice(closing, 1);
        } else {
          await incidents.open(event.component, event.at, event.problem);
        }
      } else {
        await incidents.close(event.component, event.at);
      }
      pending.shift();
    }
  }

  async function round(): Promise<void> {
    const at = new Date();
    const services = Object.entries(options.services());
    const [database, ...results] = await Promise.all([
      checkDatabase(options.db, options.timeoutMs),
      ...services.map(([, url]) => checkService(url, options.timeoutMs)),
    ]);
    observe(DATABASE_COMPONENT, database ?? null, at);
    for (const [index, [component]] of services.entries()) observe(component, results[index] ?? null, at);
    if (database) return;
    try {
      await flush();
      writeFailureLogged = false;
    } catch (error) {
      if (!writeFailureLogged) log(`[monitor] incidents could not be written yet, kept in memory: ${describeForLog(error)}`);
      writeFailureLogged = true;
    }
  }

  const check = (): Promise<void> => {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void check();
  }, options.intervalMs);
  timer.unref();

  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The services the monitor checks: every other subgraph it knows the URL of (its own
 * process is the one running the monitor), by component name.
 */
export function monitoredServices(urls: Readonly<Partial<Record<SubgraphName, string>>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(urls).flatMap(([name, url]) => (name === 'integration' || !url ? [] : [[name.toUpperCase(), url]])),
  );
}
