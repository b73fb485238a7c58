import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import { runDueJobs } from '../lib/jobs.js';
import { exportTasks } from '../subgraphs/integration/export-runner.js';
import { ALMALY, ALMATY, buildingInput, ESIL } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Large exports as background jobs: asked for in a mutation, written by the job queue in
// parts (one row a part here, to see several), read with their progress by whoever asked.

const request = `mutation($kind: ExportKind!, $katoCode: String) {
  requestExport(kind: $kind, katoCode: $katoCode) { export { id kind katoCode status rowsTotal rowsDone progress parts } } }`;
const read = `query($id: ID!) {
  export(id: $id) { id status rowsTotal rowsDone progress parts error content(fromPart: 0, parts: 10) { part rows csv } } }`;
const registerBuilding = `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`;

describe('exports as background jobs', () => {
  let system: TestSystem;
  let fixture: AuthFixture;
  let ministry: Actor;
  let almaty: Actor;
  const buildings: string[] = [];
  const runJobs = () => runDueJobs(system.databaseUrl, exportTasks(system.db, 1));

  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other end-to-end tests
  async function ok<T = any>(query: string, variables: Record<string, unknown>, actor: { token: string }): Promise<T> {
    const response = await system.query<T>(query, variables, { token: actor.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as T;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    almaty = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: ALMATY });
    const astana = await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.BuildingRegisterMaintain], { territoryKato: '710000000' });
    for (const [kato, actor] of [
      [ALMALY, almaty],
      [ALMALY, almaty],
      [ESIL, astana],
    ] as const)
      buildings.push((await ok(registerBuilding, { input: buildingInput({ katoCode: kato }) }, actor)).registerBuilding.building.id);
  });
  afterAll(async () => {
    await system?.close();
  });

  it('queues an export, runs it in parts with progress, and serves the parts to whoever asked', async () => {
    const asked = (await ok(request, { kind: 'BUILDING_REGISTER', katoCode: ALMATY }, ministry)).requestExport.export;
    expect(asked).toMatchObject({
      kind: 'BUILDING_REGISTER',
      katoCode: ALMATY,
      status: 'QUEUED',
      rowsTotal: null,
      rowsDone: 0,
      progress: 0,
      parts: 0,
    });
    await runJobs();
    const done = (await ok(read, { id: asked.id }, ministry)).export;
    expect(done).toMatchObject({ status: 'DONE', rowsTotal: 2, rowsDone: 2, progress: 1, parts: 2, error: null });
    expect(done.content.map((part: { part: number; rows: number }) => [part.part, part.rows])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    const csv = done.content.map((part: { csv: string }) => part.csv).join('');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('building_id,kato_code,condition,total_premises_count,barrier_free,registered_at');
    expect(
      lines
        .slice(1)
        .map((l: string) => l.split(',')[0])
        .sort(),
    ).toEqual([buildings[0], buildings[1]].sort());
    // Another reader does not see it.
    expect((await ok(read, { id: asked.id }, almaty)).export).toBeNull();
  });

  it("keeps an export to the requester's scope, and stops it when that right ends", async () => {
    const scoped = (await ok(request, { kind: 'DATA_QUALITY' }, almaty)).requestExport.export;
    await runJobs();
    const done = (await ok(read, { id: scoped.id }, almaty)).export;
    expect(done).toMatchObject({ status: 'DONE', rowsTotal: 2, rowsDone: 2 });
    const ids = done.content
      .map((part: { csv: string }) => part.csv)
      .join('')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l: string) => l.split(',')[0]);
    expect(ids.sort()).toEqual([buildings[0], buildings[1]].sort());

    const stopped = (await ok(request, { kind: 'DUTIES' }, almaty)).requestExport.export;
    await fixture.revoke(almaty.grantId);
    await runJobs();
    const failed = (await system.query(read, { id: stopped.id }, { token: fixture.adminToken })).data?.export;
    expect(failed).toMatchObject({ status: 'FAILED', rowsDone: 0, error: expect.stringContaining('no longer in force') });
  });

  it('refuses the public and bad input', async () => {
    expect((await system.query(request, { kind: 'DUTIES' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await system.query(request, { kind: 'DUTIES', katoCode: '7' }, { token: ministry.token });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'katoCode' });

    // A person whose right has ended may neither ask for an export nor read one.
    const asked = (await ok(request, { kind: 'DUTIES' }, ministry)).requestExport.export;
    const former = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead]);
    await fixture.revoke(former.grantId);
    expect((await system.query(request, { kind: 'DUTIES' }, { token: former.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await system.query(read, { id: asked.id }, { token: former.token })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
