import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { verifySignature } from '../subgraphs/integration/webhook-signature.js';
import { ALMALY, ALMATY, buildingInput } from './support/buildings-fixtures.js';
import { AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// The system as `npm start` runs it: the integration subgraph's process runs the job
// queue's worker, so a change reaches a webhook receiver with nobody driving the queue.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
});

describe('the job queue worker of the integration subgraph', () => {
  let system: TestSystem;
  let server: Server;
  const received: Array<{ signature: string; body: string }> = [];

  beforeAll(async () => {
    system = await startTestSystem();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ signature: String(request.headers['x-housing-signature']), body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await system?.close();
  });

  it('delivers a change to a subscribed receiver by itself, within seconds', async () => {
    const fixture = await AuthFixture.create(system.db);
    const territory = await fixture.access.subject('LOCAL_EXECUTIVE_BODY', { territoryKato: ALMATY });
    const akimat = await fixture.machine('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { subjectId: territory.id });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const created = await system.query(
      `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { signingSecret } }`,
      { input: { url, types: ['BUILDING'], notifyEmail: 'it@akimat.kz' } },
      { token: akimat.token },
    );
    expect(created.errors).toBeUndefined();
    const secret: string = created.data?.createWebhookSubscription.signingSecret;
    const registered = await system.query(
      `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
      { input: buildingInput({ katoCode: ALMALY }) },
      { token: akimat.token },
    );
    expect(registered.errors).toBeUndefined();
    for (let waited = 0; waited < 15_000 && received.length === 0; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.body ?? '{}').change.entityId).toBe(registered.data?.registerBuilding.building.id);
    expect(verifySignature(secret, received[0]?.signature, received[0]?.body ?? '')).toBe(true);
  });
});
