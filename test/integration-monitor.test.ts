import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import type { Database } from '../lib/db.js';
import type { RunningSubgraph } from '../lib/subgraph-server.js';
import { DATABASE_COMPONENT, startMonitor } from '../subgraphs/integration/monitor.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { portOf, restartSubgraph } from './support/hostile-load.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The monitor of p.34 as `npm start` runs it (in the integration subgraph's process), checking
// every 200 ms and opening an incident at the second failed check in a row.
vi.hoisted(() => {
  process.env.MONITOR_INTERVAL_SECONDS = '0.2';
  process.env.MONITOR_FAILURE_CHECKS = '2';
  process.env.MONITOR_CHECK_TIMEOUT_MS = '1000';
});

type Notice = {
  kind: string;
  recipient_email: string;
  body: string;
};

async function notices(db: Database, kind: string): Promise<Notice[]> {
  return db.execute<Notice>(
    sql`select kind, recipient_email, body from platform.outbox where kind = ${kind} order by recipient_email`,
  ) as Promise<Notice[]>;
}

async function waitFor<T>(what: string, read: () => Promise<T | null | undefined>, limitMs = 10_000): Promise<T> {
  for (const until = Date.now() + limitMs; Date.now() < until; ) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Waited ${limitMs} ms for ${what}.`);
}

describe('the monitor (p.34)', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let restarted: RunningSubgraph | undefined;
  /** Who must be told: owners of LIVE digital objects, once each whatever the number of their objects. */
  const owners = ['a@supplier.kz', 'b@osi.kz', 'it@example.kz'];

  beforeAll(async () => {
    system = await startTestSystem();
    fixture = await AuthFixture.create(system.db);
    const functions = [AccessFunction.PersonalAccountsMaintain];
    const a = await fixture.access.subject('UTILITY_SUPPLIER', { email: 'A@Supplier.kz' });
    await fixture.machine('UTILITY_SUPPLIER', functions, { subjectId: a.id });
    await fixture.machine('UTILITY_SUPPLIER', functions, { subjectId: a.id });
    const b = await fixture.access.subject('OSI', { email: 'b@osi.kz' });
    await fixture.machine('OSI', [AccessFunction.CondominiumManage], { subjectId: b.id });
    // On the testing stand: not connected for real, not told.
    const c = await fixture.access.subject('UTILITY_SUPPLIER', { email: 'c@testing.kz' });
    await fixture.machine('UTILITY_SUPPLIER', functions, { subjectId: c.id, testing: true });
    // No address of its own: the contact its application gave (it@example.kz).
    await fixture.machine('UTILITY_SUPPLIER', functions);
  });
  afterAll(async () => {
    await restarted?.close();
    await system?.close();
  });

  it('opens an incident when a subgraph stops, notifies each owner of LIVE objects once, and closes it with a recovery notice when it is back', async () => {
    const port = portOf(system, 'utilities');
    const stoppedAt = Date.now();
    await system.stopSubgraph('utilities');

    const opened = await waitFor('the incident', async () => {
      const [row] = await system.db.execute<{ id: string; failure_notices: number; problem: string }>(
        sql`select id, failure_notices, problem from integration.incidents where component = 'UTILITIES' and ended_at is null`,
      );
      return row;
    });
    const noticedMs = Date.now() - stoppedAt;
    expect(opened.failure_notices).toBe(owners.length);
    expect(opened.problem).toMatch(/^\/health unreachable/);
    // A few more failed checks change nothing: one incident, one notice per owner.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const failures = await notices(system.db, 'cs.failure');
    expect(failures.map((notice) => notice.recipient_email)).toEqual(owners);
    expect(failures[0]?.body).toContain(opened.id);
    expect(failures.find((notice) => notice.recipient_email === 'a@supplier.kz')?.body).toContain('Billing system, Billing system');
    const [{ count: mailJobs } = { count: 0 }] = await system.db.execute<{ count: number }>(
      sql`select count(*)::int as count from graphile_worker.jobs where task_identifier = 'mail.send'`,
    );
    expect(mailJobs).toBeGreaterThanOrEqual(owners.length);

    // Administrators see it open through the gateway; nobody else does.
    const seen = await system.query(`{ incidents(open: true) { id component endedAt failureNotices } }`, {}, { token: fixture.adminToken });
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.incidents).toEqual([{ id: opened.id, component: 'UTILITIES', endedAt: null, failureNotices: owners.length }]);
    const anonymous = await system.query(`{ incidents { id } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const supplier = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    const refused = await system.query(`{ incidents { id } }`, {}, { token: supplier.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const restartedAt = Date.now();
    restarted = await restartSubgraph(system, 'utilities', port);
    const closed = await waitFor('the recovery', async () => {
      const [row] = await system.db.execute<{ ended_at: string; recovery_notices: number }>(
        sql`select ended_at, recovery_notices from integration.incidents where id = ${opened.id}::uuid and ended_at is not null`,
      );
      return row;
    });
    const recoveredMs = Date.now() - restartedAt;
    expect(closed.recovery_notices).toBe(owners.length);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await notices(system.db, 'cs.recovery')).map((notice) => notice.recipient_email)).toEqual(owners);
    expect((await notices(system.db, 'cs.failure')).length).toBe(owners.length);
    const after = await system.query(
      `{ open: incidents(open: true) { id } closed: incidents(open: false) { id component endedAt recoveryNotices } }`,
      {},
      {
        token: fixture.adminToken,
      },
    );
    expect(after.data?.open).toEqual([]);
    expect(after.data?.closed).toMatchObject([{ id: opened.id, component: 'UTILITIES', recoveryNotices: owners.length }]);
    console.log(`utilities stopped: incident and notices within ${noticedMs} ms; restarted: closed within ${recoveredMs} ms`);
  });

  it('keeps a database outage in memory and writes it, with one notice saying when it failed and when it was back, once the database answers', async () => {
    await system.db.execute(sql`delete from platform.outbox`);
    let down = false;
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    // The pool as the monitor sees it: every statement refused while `down`.
    const db = new Proxy(system.db, {
      get: (target, property, receiver) =>
        down && (property === 'execute' || property === 'transaction') ? refused : Reflect.get(target, property, receiver),
    });
    const logged: string[] = [];
    const monitor = startMonitor({
      db,
      services: () => ({}),
      intervalMs: 3_600_000,
      failureChecks: 2,
      timeoutMs: 1_000,
      log: (line) => logged.push(line),
    });
    try {
      await monitor.check();
      down = true;
      const failedFrom = Date.now();
      for (let round = 0; round < 4; round++) await monitor.check();
      down = false;
      const [nothingYet] = await system.db.execute<{ count: number }>(
        sql`select count(*)::int as count from integration.incidents where component = ${DATABASE_COMPONENT}`,
      );
      expect(nothingYet?.count).toBe(0);
      await monitor.check();
      const rows = await system.db.execute<{
        started_at: string;
        ended_at: string | null;
        failure_notices: number;
        recovery_notices: number;
      }>(
        sql`select started_at, ended_at, failure_notices, recovery_notices from integration.incidents where component = ${DATABASE_COMPONENT}`,
      );
      expect(rows).toHaveLength(1);
      expect(new Date(rows[0]?.started_at ?? 0).getTime()).toBeGreaterThanOrEqual(failedFrom - 1_000);
      expect(rows[0]?.ended_at).not.toBeNull();
      expect(rows[0]?.failure_notices).toBe(owners.length);
      expect(rows[0]?.recovery_notices).toBe(0);
      const sent = await notices(system.db, 'cs.failure');
      expect(sent).toHaveLength(owners.length);
      expect(sent[0]?.body).toMatch(/failed from .* to /);
      expect(await notices(system.db, 'cs.recovery')).toEqual([]);
      expect(logged.join('\n')).toContain('DATABASE is failing');
    } finally {
      await monitor.stop();
    }
  });
});
