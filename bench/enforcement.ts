import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import type { IRules } from 'graphql-shield';
import type { Caller } from '../lib/auth/caller.js';
import { allow, guard } from '../lib/auth/shield.js';
import type { Database } from '../lib/db.js';
import { byId, toConnection } from '../lib/pagination.js';
import { buildSubgraph, type SubgraphDefinition } from '../lib/subgraph-server.js';
import { definition as utilities } from '../subgraphs/utilities/definition.js';
import { createLoaders } from '../subgraphs/utilities/loaders.js';
import type { AccountRow } from '../subgraphs/utilities/personal-account-repository.js';
import type { SupplierRow } from '../subgraphs/utilities/supplier-repository.js';

// The cost of enforcement on the utilities subgraph's real schema, resolvers and rules:
// a list of personal accounts executed in-process with graphql(), with the shield on
// declared resolvers only (what we ship), without any shield, and with the naive
// `applyMiddleware` that wraps every field. The root resolver returns rows prepared in
// memory, so the figures are execution cost alone, not SQL.

const { graphql, isObjectType } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

export interface EnforcementFigure {
  rows: number;
  query: string;
  /** Median milliseconds per execution. */
  unguardedMs: number;
  guardedMs: number;
  naiveMs: number;
  /** guarded / unguarded: the target is ≤ 1.3 for 1,000 rows. */
  guardedRatio: number;
  naiveRatio: number;
}

export interface EnforcementResult {
  name: string;
  figures: EnforcementFigure[];
  /** The figures as a Markdown table. */
  report: string;
}

const supplierId = '11111111-1111-4111-8111-111111111111';
const subjectId = '22222222-2222-4222-8222-222222222222';
const supplier: SupplierRow = {
  id: supplierId,
  subjectId,
  name: 'Energo',
  bin: '100140000011',
  services: ['ELECTRICITY'],
  createdAt: new Date(),
  // An empty passport: the figure is about accounts' rules.
  naturalMonopoly: false,
  territoryKatos: [],
  licences: [],
  legalAddress: null,
  phone: null,
  email: null,
  website: null,
  bankName: null,
  bankBic: null,
  iban: null,
  beneficiaryCode: null,
  passportUpdatedAt: null,
  passportUpdatedBy: null,
  version: 1,
};
const caller: Caller = {
  kind: 'machine',
  digitalObjectId: '33333333-3333-4333-8333-333333333333',
  digitalObjectStatus: 'LIVE',
  tokenId: '44444444-4444-4444-8444-444444444444',
  isAdministrator: false,
  grants: [
    {
      grantId: '55555555-5555-4555-8555-555555555555',
      subjectId,
      subjectKind: 'UTILITY_SUPPLIER',
      territoryKato: null,
      functions: ['PERSONAL_ACCOUNTS_MAINTAIN'],
    },
  ],
};

function rows(n: number): AccountRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    supplierId,
    supplierSubjectId: subjectId,
    buildingId: '66666666-6666-4666-8666-666666666666',
    premiseNumber: String(i % 300),
    accountNumber: `ACC-${i}`,
    holderName: 'Holder Name',
    holderIin: '850101300012',
    service: 'ELECTRICITY',
    openedAt: '2024-01-01',
    closedAt: null,
  }));
}

const queries = {
  'open fields': `query($n: Int) { personalAccounts(first: $n) { edges { cursor node { id accountNumber premiseNumber service openedAt closedAt } } pageInfo { hasNextPage } } }`,
  'open fields + supplier relation': `query($n: Int) { personalAccounts(first: $n) { edges { node { id accountNumber premiseNumber service openedAt supplier { id name } } } } }`,
  'with personal data': `query($n: Int) { personalAccounts(first: $n) { edges { node { id accountNumber service holderName holderIin } } } }`,
};

/** The utilities definition with its root list answering from memory. */
function inMemory(list: AccountRow[]): SubgraphDefinition {
  const resolvers = utilities.resolvers as Record<string, Record<string, unknown>>;
  return {
    ...utilities,
    resolvers: {
      ...resolvers,
      Query: {
        ...resolvers.Query,
        personalAccounts: (_: unknown, args: { first: number }) =>
          toConnection('personalAccounts', list, { first: args.first, after: null }, byId),
      },
    } as SubgraphDefinition['resolvers'],
  };
}

/**
 * The same rules for `applyMiddleware` on every field: with fallback deny, every other
 * field then needs a rule too, so each type gets `allow` for the fields not named.
 */
function everyFieldRules(schema: GraphQLSchema, permissions: IRules): IRules {
  const tree: Record<string, unknown> = { ...(permissions as Record<string, unknown>) };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const own = tree[type.name];
    if (own === undefined) tree[type.name] = allow;
    else if (!('resolve' in (own as object)) && !(own as Record<string, unknown>)['*'])
      tree[type.name] = { '*': allow, ...(own as object) };
  }
  return tree as IRules;
}

function schemas(definition: SubgraphDefinition): Record<'unguarded' | 'guarded' | 'naive', GraphQLSchema> {
  const plain = () => buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]);
  const naive = plain();
  return {
    unguarded: plain(),
    guarded: buildSubgraph(definition),
    naive: applyMiddleware(naive, guard(everyFieldRules(naive, definition.permissions))),
  };
}

async function execute(schema: GraphQLSchema, source: string, n: number): Promise<number> {
  const loaders = createLoaders(undefined as unknown as Database, caller);
  loaders.supplierById.prime(supplierId, supplier);
  const started = performance.now();
  const result = await graphql({
    schema,
    source,
    variableValues: { n },
    contextValue: { caller, db: undefined, loaders, receivedAt: new Date() },
  });
  const elapsed = performance.now() - started;
  if (result.errors?.length) throw new Error(`The benchmark query failed: ${result.errors[0]?.message}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function run(options: { sizes?: number[]; iterations?: (rows: number) => number } = {}): Promise<EnforcementResult> {
  const sizes = options.sizes ?? [1_000, 10_000];
  const iterations = options.iterations ?? ((n: number) => (n <= 1_000 ? 120 : 15));
  const figures: EnforcementFigure[] = [];
  for (const n of sizes) {
    const variants = schemas(inMemory(rows(n)));
    for (const [query, source] of Object.entries(queries)) {
      const times: Record<keyof typeof variants, number[]> = { unguarded: [], guarded: [], naive: [] };
      const count = iterations(n);
      const names = Object.keys(variants) as Array<keyof typeof variants>;
      // Warm up, then interleave the variants in a rotating order so drift and garbage
      // collection (which the previous variant's allocations trigger) hit all alike.
      for (let i = 0; i < Math.max(5, count / 5); i++) for (const name of names) await execute(variants[name], source, n);
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < names.length; j++) {
          const name = names[(i + j) % names.length] as keyof typeof variants;
          times[name].push(await execute(variants[name], source, n));
        }
      }
      const unguardedMs = median(times.unguarded);
      const guardedMs = median(times.guarded);
      const naiveMs = median(times.naive);
      figures.push({
        rows: n,
        query,
        unguardedMs: round(unguardedMs),
        guardedMs: round(guardedMs),
        naiveMs: round(naiveMs),
        guardedRatio: round(guardedMs / unguardedMs),
        naiveRatio: round(naiveMs / unguardedMs),
      });
    }
  }
  const lines = [
    '| rows | query | unguarded ms | guarded (declared resolvers) ms | ratio | naive applyMiddleware ms | ratio |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...figures.map(
      (f) => `| ${f.rows} | ${f.query} | ${f.unguardedMs} | ${f.guardedMs} | ×${f.guardedRatio} | ${f.naiveMs} | ×${f.naiveRatio} |`,
    ),
  ];
  return {
    name: 'Cost of enforcement (graphql-shield) on a personal-accounts list',
    figures,
    report: [
      'Median execution time of the utilities subgraph schema, in process, rows served from memory.',
      'Target: guarded 1,000-row list within ×1.3 of unguarded (open fields).',
      '',
      ...lines,
    ].join('\n'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  console.log(`# ${result.name}\n\n${result.report}`);
}
