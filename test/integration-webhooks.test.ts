import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { runDueJobs } from '../lib/jobs.js';
import { KeepTransport } from '../lib/outbox.js';
import { fanOut, integrationTasks } from '../subgraphs/integration/webhook-dispatch.js';
import { SIGNATURE_HEADER, verifySignature } from '../subgraphs/integration/webhook-signature.js';
import { ALMALY, ALMATY, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Webhooks (p.32) through the gateway: a digital object subscribes, changes reach its
// receiver signed, failures are retried by the job queue until the threshold pauses the
// subscription, a resume sends what waited, a replay sends again from a cursor, and every
// change reaches each subscription once. The receiver is a local HTTP server, so private
// targets are allowed for this file (as WEBHOOK_ALLOW_PRIVATE_TARGETS allows them).
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: {
    deliveryId: string;
    subscriptionId: string;
    replay: number;
    change: { position: string; cursor: string; type: string; entityId: string; operation: string; katoCode: string | null };
  };
}

/** A receiver on 127.0.0.1 that answers `status` and keeps what it got. */
async function startReceiver() {
  const received: Received[] = [];
  const state = { status: 200 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, body, json: JSON.parse(body) });
      response.writeHead(state.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const create = `mutation($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) { signingSecret testRun subscription { id status types katoPrefix digitalObjectId } } }`;
const subscriptionQuery = `query($id: ID!) { webhookSubscription(id: $id) {
  id status consecutiveFailures lastError pausedAt deliveries { id position status attempts replays lastStatusCode } } }`;
const pause = `mutation($id: ID!) { pauseWebhookSubscription(id: $id) { subscription { status } } }`;
const resume = `mutation($id: ID!) { resumeWebhookSubscription(id: $id) { subscription { status consecutiveFailures } } }`;
const replay = `mutation($id: ID!, $after: String!) { replayWebhookSubscription(id: $id, after: $after) { replayed hasMore lastCursor } }`;
const remove = `mutation($id: ID!) { deleteWebhookSubscription(id: $id) { id } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;
const addPremises = `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`;
const changesQuery = `query($after: String) { changes(after: $after, first: 100) { edges { node { position type entityId } } } }`;

describe('webhooks', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** An akimat's digital object: writes the register of Almaty and subscribes to it. */
  let akimat: Actor;
  let otherSystem: Actor;
  const mail = new KeepTransport();
  const threshold = 10;
  let tasks: ReturnType<typeof integrationTasks>;
  let subscriptionId: string;
  let secret: string;

  // biome-ignore lint/suspicious/noExplicitAny: answers are read as loosely as in the other end-to-end tests
  async function ok(query: string, variables: Record<string, unknown>, actor: { token: string }): Promise<any> {
    const response = await system.query(query, variables, { token: actor.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  }

  /** Runs every job that is due now (the fan-out, deliveries, mail), as the integration subgraph's worker would. */
  const runJobs = () => runDueJobs(system.databaseUrl, tasks);

  /** Moves every waiting job's retry to now, as if its backoff had passed. */
  async function fastForward() {
    await system.db.execute(sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs), run_at => now())`);
  }

  async function newBuilding(katoCode = ALMALY): Promise<string> {
    return (await ok(registerBuilding, { input: buildingInput({ katoCode }) }, akimat)).registerBuilding.building.id;
  }

  const subscription = async (id = subscriptionId) => (await ok(subscriptionQuery, { id }, akimat)).webhookSubscription;

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    receiver = await startReceiver();
    tasks = integrationTasks(system.db, { allowPrivateTargets: true, failureThreshold: threshold, timeoutMs: 5_000, mailTransport: mail });
    fixture = await AuthFixture.create(system.db);
    const territory = await fixture.access.subject('LOCAL_EXECUTIVE_BODY', { territoryKato: ALMATY });
    akimat = await fixture.machine('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain], {
      subjectId: territory.id,
    });
    otherSystem = await fixture.machine('UTILITY_SUPPLIER', [AccessFunction.PersonalAccountsMaintain]);
    // A change before the subscription: not delivered.
    await newBuilding();
    const created = await ok(create, { input: { url: receiver.url, types: ['BUILDING', 'PREMISE'], notifyEmail: 'it@akimat.kz' } }, akimat);
    subscriptionId = created.createWebhookSubscription.subscription.id;
    secret = created.createWebhookSubscription.signingSecret;
    expect(created.createWebhookSubscription).toMatchObject({
      testRun: false,
      subscription: {
        status: 'ACTIVE',
        types: ['BUILDING', 'PREMISE'],
        katoPrefix: null,
        digitalObjectId: (akimat.owner as { digitalObjectId: string }).digitalObjectId,
      },
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
  afterAll(async () => {
    await receiver?.close();
    await system?.close();
  });

  it('delivers each change in scope once, signed so that the receiver can verify it', async () => {
    const building = await newBuilding();
    await ok(addPremises, { id: building, premises: [{ kind: 'APARTMENT', number: '1' }] }, akimat);
    // Outside the akimat's territory: the ministry's building in Astana is not its to see.
    const ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain]);
    await ok(registerBuilding, { input: buildingInput({ katoCode: ESIL }) }, ministry);
    await runJobs();

    expect(receiver.received.map((r) => `${r.json.change.type}.${r.json.change.operation}:${r.json.change.entityId}`)).toEqual([
      `BUILDING.CREATED:${building}`,
      `BUILDING.UPDATED:${building}`,
      expect.stringMatching(/^PREMISE\.CREATED:/),
    ]);
    const now = Math.floor(Date.now() / 1000);
    for (const delivery of receiver.received) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['x-housing-delivery']).toBe(delivery.json.deliveryId);
      expect(delivery.json.subscriptionId).toBe(subscriptionId);
      const header = delivery.headers[SIGNATURE_HEADER] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifySignature(secret, header, delivery.body, now)).toBe(true);
      // A changed body, another secret or a stale timestamp does not verify.
      expect(verifySignature(secret, header, `${delivery.body} `, now)).toBe(false);
      expect(verifySignature('whsec_other', header, delivery.body, now)).toBe(false);
      expect(verifySignature(secret, header, delivery.body, now + 3600)).toBe(false);
    }
    // The delivery's cursor continues the feed right after its change.
    const after = receiver.received[0]?.json.change.cursor;
    const rest = await ok(changesQuery, { after }, akimat);
    expect(rest.changes.edges[0].node.entityId).toBe(building);
    expect(rest.changes.edges[0].node.type).toBe('BUILDING');

    const listed = await subscription();
    expect(listed.deliveries.map((d: { status: string; attempts: number }) => [d.status, d.attempts])).toEqual([
      ['DELIVERED', 1],
      ['DELIVERED', 1],
      ['DELIVERED', 1],
    ]);
  });

  it('records one delivery per subscription and change, however often and concurrently the fan-out runs', async () => {
    await newBuilding();
    await Promise.all([fanOut(system.db), fanOut(system.db), fanOut(system.db)]);
    await system.db.execute(sql`update integration.fan_out_cursor set position = 0`);
    await fanOut(system.db);
    await runJobs();
    await runJobs();
    const ids = receiver.received.map((r) => r.json.deliveryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.received).toHaveLength(4);
    const [counts] = await system.db.execute<{ deliveries: number; distinct: number }>(sql`
      select count(*)::int as deliveries, count(distinct (subscription_id, position))::int as distinct from integration.webhook_deliveries`);
    expect(counts?.deliveries).toBe(counts?.distinct);
  });

  it('retries a failing receiver with the queue’s backoff, then pauses at the threshold and tells the owner', async () => {
    receiver.received.length = 0;
    receiver.state.status = 500;
    const building = await newBuilding();
    await runJobs();
    expect(receiver.received).toHaveLength(1);
    // Held back by the backoff: not sent again until it is due.
    await runJobs();
    expect(receiver.received).toHaveLength(1);
    for (let round = 0; round < threshold + 5 && (await subscription()).status === 'ACTIVE'; round += 1) {
      await fastForward();
      await runJobs();
    }
    const paused = await subscription();
    expect(paused).toMatchObject({ status: 'PAUSED', consecutiveFailures: threshold, lastError: 'the receiver answered HTTP 500' });
    expect(receiver.received).toHaveLength(threshold);
    expect(receiver.received.every((r) => r.json.change.entityId === building)).toBe(true);
    expect(paused.deliveries[0]).toMatchObject({ status: 'PENDING', attempts: threshold, lastStatusCode: 500 });
    // The owner is told once, by mail through the outbox.
    const notices = mail.sent.filter((message) => message.kind === 'webhook.paused');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ recipientEmail: 'it@akimat.kz' });
    expect(notices[0]?.body).toContain(subscriptionId);

    // Nothing more is sent while paused; new changes are recorded and wait.
    await newBuilding();
    await fastForward();
    await runJobs();
    expect(receiver.received).toHaveLength(threshold);
    expect((await subscription()).deliveries.filter((d: { status: string }) => d.status === 'PENDING')).toHaveLength(2);
  });

  it('a resume sends every delivery that waited, and starts the failure count again', async () => {
    receiver.received.length = 0;
    receiver.state.status = 204;
    expect((await ok(resume, { id: subscriptionId }, akimat)).resumeWebhookSubscription.subscription).toEqual({
      status: 'ACTIVE',
      consecutiveFailures: 0,
    });
    await runJobs();
    expect(receiver.received.map((r) => r.json.change.type)).toEqual(['BUILDING', 'BUILDING']);
    const after = await subscription();
    expect(after.deliveries.every((d: { status: string }) => d.status === 'DELIVERED')).toBe(true);
    expect(after).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 0, lastError: null, pausedAt: null });
  });

  it('a pause by hand holds deliveries until the resume', async () => {
    receiver.received.length = 0;
    expect((await ok(pause, { id: subscriptionId }, akimat)).pauseWebhookSubscription.subscription.status).toBe('PAUSED');
    await newBuilding();
    await runJobs();
    expect(receiver.received).toHaveLength(0);
    await ok(resume, { id: subscriptionId }, akimat);
    await runJobs();
    expect(receiver.received).toHaveLength(1);
  });

  it('a replay sends again every change after a cursor, each under its own delivery id', async () => {
    const firstRound = (await subscription()).deliveries as Array<{ id: string; position: string }>;
    const feed = await ok(changesQuery, {}, akimat);
    const positions = feed.changes.edges.map((edge: { node: { position: string } }) => edge.node.position);
    receiver.received.length = 0;
    // From the feed's start: every change the subscription covers, those before it was made too.
    const all = await ok(replay, { id: subscriptionId, after: Buffer.from(JSON.stringify(['changes', 0])).toString('base64url') }, akimat);
    expect(all.replayWebhookSubscription).toMatchObject({ replayed: positions.length, hasMore: false });
    await runJobs();
    expect(receiver.received.map((r) => r.json.change.position)).toEqual(positions);
    const known = new Map(firstRound.map((d) => [d.position, d.id]));
    for (const r of receiver.received) {
      if (known.has(r.json.change.position)) {
        expect(r.json.deliveryId).toBe(known.get(r.json.change.position));
        expect(r.json.replay).toBe(1);
      }
    }
    // From a delivery's cursor: only what followed it.
    const cursor = receiver.received[2]?.json.change.cursor;
    receiver.received.length = 0;
    const some = await ok(replay, { id: subscriptionId, after: cursor }, akimat);
    expect(some.replayWebhookSubscription.replayed).toBe(positions.length - 3);
    await runJobs();
    expect(receiver.received.map((r) => r.json.change.position)).toEqual(positions.slice(3));
    const refused = await system.query(replay, { id: subscriptionId, after: 'nonsense' }, { token: akimat.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('a delivery whose attempts are all spent is FAILED, and a replay sends it again', async () => {
    receiver.received.length = 0;
    receiver.state.status = 503;
    const building = await newBuilding();
    await fanOut(system.db);
    // As if it were the last of its attempts.
    await system.db.execute(
      sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where task_identifier = 'webhook.deliver'), max_attempts => 1)`,
    );
    await runJobs();
    const [failed] = (await subscription()).deliveries;
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 503 });
    expect((await subscription()).status).toBe('ACTIVE');
    const [job] = await system.db.execute(sql`select 1 from graphile_worker.jobs where task_identifier = 'webhook.deliver'`);
    expect(job).toBeUndefined();

    receiver.state.status = 200;
    const before = Buffer.from(JSON.stringify(['changes', Number(failed.position) - 1])).toString('base64url');
    expect((await ok(replay, { id: subscriptionId, after: before }, akimat)).replayWebhookSubscription.replayed).toBe(1);
    await runJobs();
    expect(receiver.received.map((r) => r.json.change.entityId)).toEqual([building, building]);
    expect((await subscription()).deliveries[0]).toMatchObject({ id: failed.id, status: 'DELIVERED', replays: 1 });
  });

  it('a subscription is its digital object’s own: others see nothing of it, administrators see and manage all', async () => {
    expect((await ok(subscriptionQuery, { id: subscriptionId }, otherSystem)).webhookSubscription).toBeNull();
    const paused = await system.query(pause, { id: subscriptionId }, { token: otherSystem.token });
    expect(paused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = `{ webhookSubscriptions { edges { node { id } } } }`;
    expect((await ok(list, {}, otherSystem)).webhookSubscriptions.edges).toEqual([]);
    expect((await ok(list, {}, { token: fixture.adminToken })).webhookSubscriptions.edges).toEqual([{ node: { id: subscriptionId } }]);
    const person = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    expect((await system.query(list, {}, { token: person.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await system.query(list, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Only a digital object subscribes, and only to a target the guard accepts.
    const byPerson = await system.query(
      create,
      { input: { url: receiver.url, types: ['BUILDING'], notifyEmail: 'a@b.kz' } },
      { token: person.token },
    );
    expect(byPerson.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Every other subscription field and mutation: a person who is not an administrator is
    // refused, an anonymous caller asked to sign in; the subscription stays as it was.
    const unchanged = await subscription();
    const guarded: Array<[string, Record<string, unknown>]> = [
      [create, { input: { url: receiver.url, types: ['BUILDING'], notifyEmail: 'a@b.kz' } }],
      [subscriptionQuery, { id: subscriptionId }],
      [pause, { id: subscriptionId }],
      [resume, { id: subscriptionId }],
      [replay, { id: subscriptionId, after: Buffer.from(JSON.stringify(['changes', 0])).toString('base64url') }],
      [remove, { id: subscriptionId }],
    ];
    for (const [operation, variables] of guarded) {
      if (operation !== create) {
        const refused = await system.query(operation, variables, { token: person.token });
        expect(refused.errors?.[0]?.extensions?.code, operation).toBe('FORBIDDEN');
      }
      const anonymous = await system.query(operation, variables);
      expect(anonymous.errors?.[0]?.extensions?.code, operation).toBe('UNAUTHENTICATED');
    }
    expect(await subscription()).toEqual(unchanged);
    const bad = await system.query(
      create,
      { input: { url: 'ftp://example.kz/x', types: ['BUILDING'], katoPrefix: '7x', notifyEmail: 'nobody' } },
      { token: otherSystem.token },
    );
    expect(bad.errors?.[0]?.extensions?.problems.map((p: { field: string }) => p.field)).toEqual([
      'input.url',
      'input.katoPrefix',
      'input.notifyEmail',
    ]);
    // The signing secret is shown once and never listed.
    expect(JSON.stringify(await subscription())).not.toContain(secret);
  });

  it('a deleted subscription gets nothing more', async () => {
    receiver.received.length = 0;
    expect((await ok(remove, { id: subscriptionId }, { token: fixture.adminToken })).deleteWebhookSubscription.id).toBe(subscriptionId);
    await newBuilding();
    await runJobs();
    expect(receiver.received).toHaveLength(0);
    expect((await ok(subscriptionQuery, { id: subscriptionId }, akimat)).webhookSubscription).toBeNull();
  });
});
