import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type DocumentNode, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema, isObjectType, parse } from 'graphql';
import { applyMiddlewareToDeclaredResolvers } from 'graphql-middleware';
import { allow, type IRules } from 'graphql-shield';
import type { Caller } from './auth/caller.js';
import { guard } from './auth/shield.js';
import type { CallerSigner } from './auth/signed-caller.js';
import type { Database } from './db.js';
import type { HttpRoute } from './http-server.js';
import type { LoaderFactory } from './subgraph-context.js';
import type { SubgraphName } from './subgraph-names.js';

/**
 * The fields of each type that hold personal data (p.9, p.24), declared by the subgraph.
 * `PersonalDataOf<{ PremiseOwner: OwnerRow }>` type-checks the field names against the
 * rows the fields are read from; at start every entry must exist in the schema and carry
 * a restricting rule of its own.
 */
export type PersonalDataOf<Rows extends Record<string, object>> = { readonly [T in keyof Rows]?: ReadonlyArray<keyof Rows[T] & string> };
export type PersonalData = Readonly<Record<string, ReadonlyArray<string>>>;

/** Everything that makes a subgraph, with no side effects: built into a schema by `buildSubgraph`. */
export interface SubgraphDefinition<TLoaders = unknown> extends LoaderFactory<TLoaders> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  // Resolver maps are heterogeneous by nature; each subgraph types its own resolvers.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  resolvers: GraphQLResolverMap<any>;
  /** graphql-shield rule tree. Every field of every type needs a rule of its own or its type's `'*'`. */
  permissions: IRules;
  /** The personal-data fields of this subgraph's types. */
  personalData: PersonalData;
  /** Fresh DataLoaders for one request. */
  createLoaders(db: Database, caller: Caller): TLoaders;
  /** HTTP routes the subgraph's server answers besides GraphQL (the access subgraph's caller endpoint). */
  httpRoutes?(db: Database, signer: CallerSigner): Record<string, HttpRoute>;
  /** Work the subgraph's process runs beside requests (the job queue's worker); returns its stop. */
  startBackgroundWork?(db: Database, options: BackgroundWorkOptions): (() => Promise<void>) | null;
}

/** What background work may need besides the pool: its own connections (the job queue's worker uses node-postgres). */
export interface BackgroundWorkOptions {
  /** The database the pool connects to; absent when the subgraph was given only a pool (then work needing its own connections does not start). */
  databaseUrl?: string | undefined;
  /**
   * Where the other subgraphs answer (name → base URL), for the integration subgraph's monitor:
   * the `*_URL` variables of a separate process, the in-process URLs under `npm start`. Read
   * when needed, so a system that starts its subgraphs one by one may fill it afterwards.
   */
  subgraphUrls?: Readonly<Partial<Record<SubgraphName, string>>> | undefined;
}

export function loadSchemaFile(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}

/** A subgraph whose schema leaves a field without a rule, or misdeclares personal data, does not start. */
export class SubgraphRefusesToStart extends Error {}

type RuleLike = { resolve: (...args: unknown[]) => unknown };

function isRule(value: unknown): value is RuleLike {
  return typeof value === 'object' && value !== null && typeof (value as RuleLike).resolve === 'function';
}

/** The rule that applies to `type.field`: its own, else its type's `'*'`, else the type-wide rule; undefined when none. */
export function ruleOf(permissions: IRules, type: string, field: string, ownOnly = false): RuleLike | undefined {
  const entry = (permissions as Record<string, unknown>)[type];
  if (entry === undefined) return undefined;
  if (isRule(entry)) return ownOnly ? undefined : entry;
  const map = entry as Record<string, unknown>;
  if (isRule(map[field])) return map[field];
  if (ownOnly) return undefined;
  return isRule(map['*']) ? map['*'] : undefined;
}

/** Types the federation library adds whose only way in is a root field we rule (`Query._service`). */
const federationInternals = new Set(['_Service']);

/** Every object type's fields, as `Type.field`, the way the schema serves them. */
function servedFields(schema: GraphQLSchema): Array<{ type: string; field: string }> {
  const fields: Array<{ type: string; field: string }> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || federationInternals.has(type.name)) continue;
    for (const field of Object.keys(type.getFields())) fields.push({ type: type.name, field });
  }
  return fields;
}

/** Why `definition` must not be served, one sentence per problem; empty when it may. */
export function guardingProblems(schema: GraphQLSchema, definition: Pick<SubgraphDefinition, 'permissions' | 'personalData'>): string[] {
  const problems: string[] = [];
  for (const { type, field } of servedFields(schema)) {
    if (!ruleOf(definition.permissions, type, field)) problems.push(`${type}.${field} has no rule (neither its own nor its type's '*').`);
  }
  for (const [type, fields] of Object.entries(definition.personalData)) {
    const graphQLType = schema.getType(type);
    for (const field of fields) {
      if (!isObjectType(graphQLType) || !graphQLType.getFields()[field]) {
        problems.push(`${type}.${field} is declared personal data but is not in the schema.`);
        continue;
      }
      const own = ruleOf(definition.permissions, type, field, true);
      if (!own || own === allow) problems.push(`${type}.${field} is personal data and needs a restricting rule of its own.`);
    }
  }
  for (const [type, entry] of Object.entries(definition.permissions as Record<string, unknown>)) {
    const graphQLType = schema.getType(type);
    if (!isObjectType(graphQLType)) {
      problems.push(`The rules name the type ${type}, which is not in the schema.`);
      continue;
    }
    if (isRule(entry)) continue;
    for (const field of Object.keys(entry as Record<string, unknown>)) {
      if (field !== '*' && !graphQLType.getFields()[field]) problems.push(`The rules name ${type}.${field}, which is not in the schema.`);
    }
  }
  return problems;
}

/**
 * The subgraph's executable schema, guarded so that it fails closed:
 * - every field of every type must have a rule, or the subgraph refuses to start and names it;
 * - fields whose rule is `allow` (the open part, or a field of an object only reachable
 *   through a guarded parent) are not wrapped at all: wrapping every field costs ×4–7 on a
 *   1,000-row list;
 * - every other field is wrapped, also when the default resolver serves it (it gets a
 *   declared resolver of its own so the shield runs for it).
 */
export function buildSubgraph(definition: SubgraphDefinition): GraphQLSchema {
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]);
  const problems = guardingProblems(schema, definition);
  if (problems.length > 0) {
    throw new SubgraphRefusesToStart(
      `The ${definition.name} subgraph refuses to start:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
  }
  for (const { type, field } of servedFields(schema)) {
    const served = (schema.getType(type) as import('graphql').GraphQLObjectType).getFields()[field];
    if (!served || ruleOf(definition.permissions, type, field) === allow) continue;
    if (!served.resolve || served.resolve === defaultFieldResolver) served.resolve = readProperty;
  }
  return applyMiddlewareToDeclaredResolvers(schema, guard(definition.permissions));
}

/** The default resolver under another identity, so graphql-middleware wraps the field. */
const readProperty: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) =>
  defaultFieldResolver(source, args, context, info);
