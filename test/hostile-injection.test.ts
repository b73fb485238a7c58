import { randomUUID } from 'node:crypto';
import { getNamedType, getNullableType, isListType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentsWith, captureServiceLog, plausibleValue, type ServiceLog } from './support/hostile-samples.js';
import { batchOperation, composedGraph, literalOf, type Position, positionsOf, type RootField } from './support/hostile-schema.js';
import { type HostileSystem, type Route, startHostileSystem } from './support/hostile-system.js';
import { answerProblems, Findings, shortly } from './support/hostile-verdicts.js';
import { injectionCorpus } from './support/injection-corpus.js';

/**
 * The injection corpus (test/support/injection-corpus.ts: quotes of every kind, comments,
 * OR 1=1, UNION, stacked statements, LIKE and regex metacharacters, paths, JSON, huge texts)
 * in every String and ID argument and input field of every query and mutation of the
 * composed graph, filters included, with plausible values (stored ids and texts) everywhere
 * else so the text goes as far as it can; `after` cursors are also forged from a real cursor
 * of the list, each part of it replaced. Through the gateway as an administrator, anonymously,
 * and, for queries, as a supplier's digital object. Every answer is data, null, or an error of
 * the convention; never a 5xx or INTERNAL_SERVER_ERROR, and the services log no database
 * error (SQLSTATE class 42, syntax or access rule, nor 22, data exception): the database
 * never sees the text as anything but a parameter.
 *
 * Each place gets HOSTILE_INJECTIONS entries of the corpus (default 16, rotating so that
 * every entry is used at many places; HOSTILE_SOAK=1: all of them everywhere).
 */
const soak = process.env.HOSTILE_SOAK === '1';
const perPlace = soak ? injectionCorpus.length : Math.min(injectionCorpus.length, Number(process.env.HOSTILE_INJECTIONS ?? 16));
/** Calls per request, each under its own alias. */
const BATCH = 40;

const graph = composedGraph();
const places: Position[] = (['query', 'mutation'] as const).flatMap((kind) =>
  graph
    .rootFields(kind)
    .flatMap(positionsOf)
    .filter((position) => ['String', 'ID'].includes(getNamedType(position.type).name)),
);

/** Forged cursors: a real cursor's JSON with each part in turn replaced by a hostile value. */
function forgedCursors(cursor: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const replacements: unknown[] = [
    "' OR 1=1 --",
    '0000-01-01T00:00:00Z',
    '275760-09-13T00:00:00.000Z',
    '2024-13-45T99:99:99Z',
    -1,
    1e308,
    '9'.repeat(300),
    null,
    {},
    [randomUUID()],
  ];
  const forged = parsed.flatMap((_part, index) =>
    replacements.map((replacement) => parsed.map((part, at) => (at === index ? replacement : part)) as unknown[]),
  );
  forged.push(['another list', ...parsed.slice(1)], [...parsed, 'extra'], parsed.slice(0, 1));
  return forged.map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
}

function isConnection(root: RootField): boolean {
  const type = getNullableType(root.field.type);
  return (
    !isListType(type) &&
    isObjectType(type) &&
    'pageInfo' in type.getFields() &&
    root.field.args.some((argument) => argument.name === 'after')
  );
}

describe('the injection corpus in every text argument never reaches the database as SQL', () => {
  let hostile: HostileSystem;
  let log: ServiceLog;
  const cursors = new Map<string, string>();
  let executions = 0;
  let requests = 0;

  beforeAll(async () => {
    // Before anything starts: the services take console.error as their log when they are built.
    log = await captureServiceLog();
    hostile = await startHostileSystem();
    // A real cursor of every list, for forging.
    for (const root of graph.rootFields('query').filter(isConnection)) {
      const written = root.field.args
        .filter((argument) => String(argument.type).endsWith('!'))
        .map((argument) => `${argument.name}: ${literalOf(plausibleValue(argument.type, argument.name, hostile.samples), argument.type)}`);
      written.push('first: 1');
      const response = await hostile.system.query(
        `{ ${root.field.name}(${written.join(', ')}) { pageInfo { endCursor } } }`,
        {},
        { token: hostile.tokens.administrator! },
      );
      const cursor = (response.data?.[root.field.name] as { pageInfo?: { endCursor?: string } } | undefined)?.pageInfo?.endCursor;
      if (cursor) cursors.set(root.field.name, cursor);
    }
  }, 120_000);
  afterAll(async () => {
    log?.restore();
    await hostile?.close();
    console.info(
      `hostile-injection: ${executions} calls in ${requests} requests, ${perPlace} of ${injectionCorpus.length} corpus entries at each of ${places.length} places, cursors forged for ${cursors.size} lists`,
    );
  });

  it('discovers the text places of queries, mutations and filters', () => {
    expect(places.length).toBeGreaterThanOrEqual(100);
    expect(places.map((place) => `${place.root.field.name}.${place.path.join('.')}`)).toEqual(
      expect.arrayContaining([
        'buildings.filter.katoCode',
        'buildingByCadastralNumber.cadastralNumber',
        'upsertPersonalAccounts.idempotencyKey',
      ]),
    );
    expect(cursors.size).toBeGreaterThanOrEqual(5);
  });

  it.each(
    places.map(
      (place, index) =>
        [`${place.root.kind} ${place.root.field.name}(${place.path.join('.')}: ${String(place.type)})`, place, index] as const,
    ),
  )('%s', async (_label, place, index) => {
    const { system, tokens, samples } = hostile;
    const routes: Route[] = [
      { who: 'administrator', send: (query, variables) => system.query(query, variables, { token: tokens.administrator! }) },
      { who: 'anonymous', send: (query, variables) => system.query(query, variables) },
      ...(place.root.kind === 'query' && tokens.supplierWater
        ? [
            {
              who: 'supplier',
              send: (query: string, variables?: Record<string, unknown>) =>
                system.query(query, variables, { token: tokens.supplierWater! }),
            },
          ]
        : []),
    ];
    const start = (index * perPlace) % injectionCorpus.length;
    const texts = [...injectionCorpus, ...injectionCorpus].slice(start, start + perPlace);
    const cursor = place.path.length === 1 && place.path[0] === 'after' ? cursors.get(place.root.field.name) : undefined;
    if (cursor) texts.push(...forgedCursors(cursor));
    const findings = new Findings();
    for (const route of routes) {
      for (let from = 0; from < texts.length; from += BATCH) {
        const batch = texts.slice(from, from + BATCH);
        const { query, variables } = batchOperation(
          place.root,
          batch.map((text) => argumentsWith(place.root, place.path, text, samples)),
        );
        requests += 1;
        executions += batch.length;
        const response = await route.send(query, variables);
        for (const problem of answerProblems(response)) {
          const error = response.errors?.find((candidate) => problem.includes(String(candidate.extensions?.code))) ?? response.errors?.[0];
          const alias = typeof error?.path?.[0] === 'string' ? Number(error.path[0].slice(1)) : Number.NaN;
          findings.add(
            `${route.who}: ${problem}`,
            () => `${shortly(Number.isNaN(alias) ? batch : batch[alias])} → HTTP ${response.status} ${shortly(error)}`,
          );
        }
      }
    }
    expect(findings.report()).toEqual([]);
  });

  it('the services logged no database error and no unexpected error', () => {
    expect(log.databaseErrors()).toEqual([]);
    expect(log.unexpected()).toEqual([]);
  });
});
