import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessFunction } from '../lib/auth/functions.js';
import type { Database } from '../lib/db.js';
import { runExport } from '../subgraphs/integration/export-runner.js';
import { ALMALY, buildingInput } from './support/buildings-fixtures.js';
import { type Actor, AuthFixture } from './support/caller-fixtures.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// Exports as background jobs (issue 10, item 7): the progress read while a job is part-way
// (test/integration-exports.test.ts sees it only at 0 and 1), and a job stopped after a part
// that resumes where it stopped: no row counted or written twice, the header once.

const request = `mutation($kind: ExportKind!, $katoCode: String) { requestExport(kind: $kind, katoCode: $katoCode) { export { id status } } }`;
const read = `query($id: ID!) {
  export(id: $id) { status rowsTotal rowsDone progress parts content(fromPart: 0, parts: 10) { part rows csv } } }`;

/** `db`, whose `transaction` fails from the `failFrom`-th call on: a job stopped between two parts. */
function stoppingAfter(db: Database, failFrom: number): Database {
  let calls = 0;
  return new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'transaction')
        return (...args: unknown[]) => {
          calls += 1;
          if (calls >= failFrom) return Promise.reject(new Error('the job was stopped'));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('an export part-way and resumed', () => {
  let system: TestSystem;
  let ministry: Actor;
  const buildings: string[] = [];

  // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, as in the other end-to-end tests
  async function ok(query: string, variables: Record<string, unknown>): Promise<any> {
    const response = await system.query(query, variables, { token: ministry.token });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data;
  }

  beforeAll(async () => {
    system = await startTestSystem({ backgroundWork: false });
    const fixture = await AuthFixture.create(system.db);
    ministry = await fixture.person('AUTHORIZED_BODY', [AccessFunction.AnalyticsRead, AccessFunction.BuildingRegisterMaintain]);
    for (let i = 0; i < 4; i += 1)
      buildings.push(
        (
          await ok(`mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`, {
            input: buildingInput({ katoCode: ALMALY }),
          })
        ).registerBuilding.building.id,
      );
  });
  afterAll(async () => {
    await system?.close();
  });

  it('shows the progress of a job stopped after one part of four, then finishes it without repeating a row', async () => {
    const { id } = (await ok(request, { kind: 'BUILDING_REGISTER', katoCode: ALMALY })).requestExport.export;
    await expect(runExport(stoppingAfter(system.db, 2), id, 1)).rejects.toThrow('stopped');
    const partWay = (await ok(read, { id })).export;
    expect(partWay).toMatchObject({ status: 'RUNNING', rowsTotal: 4, rowsDone: 1, progress: 0.25, parts: 1 });
    expect(partWay.content.map((part: { part: number; rows: number }) => [part.part, part.rows])).toEqual([[0, 1]]);

    await runExport(system.db, id, 1);
    const done = (await ok(read, { id })).export;
    expect(done).toMatchObject({ status: 'DONE', rowsTotal: 4, rowsDone: 4, progress: 1, parts: 4 });
    const lines = done.content
      .map((part: { csv: string }) => part.csv)
      .join('')
      .trimEnd()
      .split('\r\n');
    expect(lines.filter((line: string) => line.startsWith('building_id,'))).toHaveLength(1);
    expect(lines.slice(1).map((line: string) => line.split(',')[0])).toEqual([...buildings].sort());
    // A job run again for a finished export writes nothing.
    await runExport(system.db, id, 1);
    expect((await ok(read, { id })).export).toMatchObject({ rowsDone: 4, parts: 4 });
  });
});
