import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidCall } from './support/hostile-inputs.js';
import { captureServiceLog, changedTables, rowSnapshot, type ServiceLog, writeMarks } from './support/hostile-samples.js';
import { composedGraph, operationFor } from './support/hostile-schema.js';
import { type HostileSystem, ownerOf, routesTo, startHostileSystem } from './support/hostile-system.js';
import { Findings, refusalProblems, shortly } from './support/hostile-verdicts.js';

/**
 * Every mutation of the composed graph (a new one is covered as soon as it composes), called
 * with fast-check-generated arguments that conform to its types everywhere but at one
 * place, where a poison makes them invalid: a wrong JSON type, an Int past 32 bits, a
 * malformed id or an id of nothing, a value of no enum, a required field left out, an
 * unknown field, a NUL or a lone surrogate in a text, an impossible Date or DateTime. The
 * rest is hostile but acceptable (stored ids, huge and odd texts, extreme numbers), so the
 * poison is met wherever it is checked. Half the cases put any poison anywhere, half put an
 * id poison at an ID place, which GraphQL and the gateway let through to the resolvers.
 *
 * Each call goes through the gateway as an administrator and anonymously, and straight to
 * the subgraph that owns the mutation with a caller header signed for it (what any other
 * federation router sends, without our gateway's input checks in front). Never an HTTP 5xx,
 * every error a code of the convention (never INTERNAL_SERVER_ERROR), no internals in a
 * message, nothing written to any table of any schema, nothing unexpected in the log.
 *
 * HOSTILE_RUNS sets the cases per mutation, caller and kind of poison (default 8;
 * HOSTILE_SOAK=1: 100); HOSTILE_SEED replays a run (each failure names its seed).
 */
const soak = process.env.HOSTILE_SOAK === '1';
const runs = Number(process.env.HOSTILE_RUNS ?? (soak ? 100 : 8));
const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 1_000_000);
/** One seed per mutation, caller and kind of poison, derived from the run's. */
const seedOf = (name: string, salt: number) => [...name].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) % 1_000_003, seed) + salt;

const graph = composedGraph();
const mutations = graph.rootFields('mutation');
/** A mutation without arguments (requestSignInChallenge) has no input to poison. */
const poisonable = mutations.filter((root) => root.field.args.length > 0);

describe('every mutation refuses generated invalid input, writing nothing', () => {
  let hostile: HostileSystem;
  let log: ServiceLog;
  let cases = 0;

  beforeAll(async () => {
    // Before anything starts: the services take console.error as their log when they are built.
    log = await captureServiceLog();
    hostile = await startHostileSystem();
  }, 120_000);
  afterAll(async () => {
    log?.restore();
    await hostile?.close();
    console.info(`hostile-mutations: ${cases} requests with generated invalid arguments to ${mutations.length} mutations (seed ${seed})`);
  });

  it('discovers the mutations from the composition', () => {
    expect(mutations.length).toBeGreaterThanOrEqual(30);
    expect(mutations.map((root) => root.field.name)).toEqual(
      expect.arrayContaining(['registerBuilding', 'upsertPersonalAccounts', 'grantAccess']),
    );
  });

  it.each(poisonable.map((root) => [root.field.name, root] as const))('%s', async (name, root) => {
    const { system, samples } = hostile;
    const routes = routesTo(hostile, ownerOf(graph, root, samples));
    const before = await rowSnapshot(system.db);
    const findings = new Findings();
    for (const [index, route] of routes.entries()) {
      for (const reach of ['anywhere', 'resolvers'] as const) {
        const salt = index * 2 + (reach === 'anywhere' ? 0 : 1);
        for (const call of fc.sample(invalidCall(root, samples, reach), { numRuns: runs, seed: seedOf(name, salt) })) {
          cases += 1;
          const { query, variables } = operationFor(root, call.args, 'variables');
          const marks = await writeMarks(system.db);
          const response = await route.send(query, variables);
          const problems = refusalProblems(response, { field: name });
          if ((await writeMarks(system.db)) !== marks) problems.push('wrote a receipt or a change');
          for (const problem of problems) {
            findings.add(`${route.who}: ${problem} for ${call.poison}`, () => {
              const errors = response.errors?.map((error) => [error.extensions?.code, error.message]);
              return `at ${call.at}: ${shortly(call.args)} → HTTP ${response.status} ${shortly(errors)} (seed ${seedOf(name, salt)})`;
            });
          }
        }
      }
    }
    const changed = changedTables(before, await rowSnapshot(system.db));
    expect({ problems: findings.report(), changedTables: changed }).toEqual({ problems: [], changedTables: [] });
  });

  it('the services logged no unexpected error and no database error', () => {
    expect(log.databaseErrors()).toEqual([]);
    expect(log.unexpected()).toEqual([]);
  });
});
