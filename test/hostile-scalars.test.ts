import fc from 'fast-check';
import { getNamedType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidDateText, invalidDateTimeText, nonText, validDate, validDateTime } from './support/hostile-inputs.js';
import { argumentsWith, captureServiceLog, changedTables, rowSnapshot, type ServiceLog } from './support/hostile-samples.js';
import { composedGraph, operationFor, type Position, positionsOf, RawLiteral } from './support/hostile-schema.js';
import { type HostileSystem, ownerOf, routesTo, startHostileSystem } from './support/hostile-system.js';
import { Findings, refusalProblems, shortly } from './support/hostile-verdicts.js';

/**
 * Every custom scalar of the composed graph, at every place it can be given (arguments and
 * input fields of every query and mutation, inside lists too), with fast-check-generated
 * values it must refuse: as a variable (wrong shapes, impossible days and times, year 0,
 * PostgreSQL's special words such as `infinity` and `epoch`, numbers, booleans, objects)
 * and written inline (the same texts as string literals; numbers, booleans, enum names,
 * objects as literals of the wrong kind). Through the gateway as an administrator and
 * anonymously, and straight to the subgraph that owns the field: refused with
 * BAD_USER_INPUT or GRAPHQL_VALIDATION_FAILED, never a 5xx, nothing written. A valid value at
 * the same place passes the scalar (the anonymous caller is then refused for its rights),
 * so the refusals are the scalar's doing.
 *
 * A new custom scalar fails the first test until its invalid values are added here.
 * HOSTILE_RUNS sets the values per place, route and form (default 6; HOSTILE_SOAK=1: 60).
 */
const soak = process.env.HOSTILE_SOAK === '1';
const runs = Number(process.env.HOSTILE_RUNS ?? (soak ? 60 : 6));
const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 1_000_000);

/** What each custom scalar refuses (as a JSON value) and accepts. */
const scalarValues: Record<string, { invalidText: fc.Arbitrary<string>; valid: fc.Arbitrary<string> }> = {
  Date: { invalidText: invalidDateText, valid: validDate },
  DateTime: { invalidText: invalidDateTimeText, valid: validDateTime },
};

/** Literals of a kind no text scalar accepts. */
const wrongKindLiterals = fc.constantFrom(
  '20240101',
  '1.5',
  '-1',
  'true',
  'false',
  'NOT_A_DATE',
  '{}',
  '{ year: 2024 }',
  '[]',
  '["2024-01-01"]',
  '$undeclared',
);

const graph = composedGraph();
const scalars = graph.customScalars();
const places: Position[] = (['query', 'mutation'] as const).flatMap((kind) =>
  graph
    .rootFields(kind)
    .flatMap(positionsOf)
    .filter((position) => scalars.includes(getNamedType(position.type).name)),
);

describe('every custom scalar refuses generated invalid values wherever it is given', () => {
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
    console.info(`hostile-scalars: ${cases} requests with generated invalid values of ${scalars.join(', ')} at ${places.length} places`);
  });

  it('discovers the custom scalars and where they are given, and knows the invalid values of each', () => {
    expect(scalars).toEqual(expect.arrayContaining(['Date', 'DateTime']));
    expect(scalars.filter((name) => !scalarValues[name])).toEqual([]);
    expect(places.length).toBeGreaterThanOrEqual(10);
  });

  it.each(places.map((place) => [`${place.root.field.name}(${place.path.join('.')}: ${String(place.type)})`, place] as const))(
    '%s',
    async (_label, place) => {
      const { system, samples } = hostile;
      const name = getNamedType(place.type).name;
      const values = scalarValues[name]!;
      const routes = routesTo(hostile, ownerOf(graph, place.root, samples));
      const findings = new Findings();
      const before = await rowSnapshot(system.db);
      const forms = [
        {
          form: 'variable',
          values: fc.oneof({ arbitrary: values.invalidText, weight: 3 }, { arbitrary: nonText, weight: 1 }),
          mode: 'variables' as const,
        },
        {
          form: 'literal',
          values: fc.oneof(
            values.invalidText,
            wrongKindLiterals.map((text) => new RawLiteral(text)),
          ),
          mode: 'inline' as const,
        },
      ];
      for (const [index, route] of routes.entries()) {
        for (const [formIndex, form] of forms.entries()) {
          for (const value of fc.sample(form.values, { numRuns: runs, seed: seed + index * 10 + formIndex })) {
            cases += 1;
            const { query, variables } = operationFor(place.root, argumentsWith(place.root, place.path, value, samples), form.mode);
            const response = await route.send(query, variables);
            const problems = refusalProblems(response, { field: place.root.field.name });
            for (const error of response.errors ?? []) {
              const code = String(error.extensions?.code);
              if (code !== 'BAD_USER_INPUT' && code !== 'GRAPHQL_VALIDATION_FAILED') problems.push(`code ${code}`);
            }
            for (const problem of new Set(problems)) {
              findings.add(
                `${route.who}, ${form.form}: ${problem}`,
                () =>
                  `${shortly(value instanceof RawLiteral ? value.text : value)} → HTTP ${response.status} ${shortly(response.errors?.map((error) => [error.extensions?.code, error.message]))}`,
              );
            }
          }
        }
      }
      const changed = changedTables(before, await rowSnapshot(system.db));
      // The control: a valid value passes the scalar, so the anonymous caller meets its rights, not an input error.
      const anonymous = routes.filter((route) => route.who.startsWith('anonymous'));
      for (const route of anonymous) {
        for (const value of fc.sample(values.valid, { numRuns: 2, seed })) {
          const { query, variables } = operationFor(place.root, argumentsWith(place.root, place.path, value, samples), 'variables');
          const response = await route.send(query, variables);
          const codes = (response.errors ?? []).map((error) => String(error.extensions?.code));
          if (codes.some((code) => code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED')) {
            findings.add(`${route.who}: a valid ${name} refused`, () => `${value} → ${shortly(response.errors)}`);
          }
        }
      }
      expect({ problems: findings.report(), changedTables: changed }).toEqual({ problems: [], changedTables: [] });
    },
  );

  it('the services logged no unexpected error and no database error', () => {
    expect(log.databaseErrors()).toEqual([]);
    expect(log.unexpected()).toEqual([]);
  });
});
