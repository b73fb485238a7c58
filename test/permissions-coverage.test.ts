import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { concatAST, parse, type GraphQLSchema } from 'graphql';
import { allow, deny, type IRules } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { buildSubgraph, type SubgraphDefinition, type SubgraphName } from '../lib/subgraph-server.js';
import { subgraphDefinitions, subgraphNames } from '../subgraphs/index.js';
import type { Caller } from '../lib/auth/caller.js';

// @apollo/subgraph builds schemas with the CommonJS graphql; under vitest an ESM import
// would be a second copy whose instanceof checks fail, so use the same one.
const { defaultFieldResolver, graphql, isObjectType } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

// The shield wraps only declared resolvers (lib/subgraph-server.ts), so a root field, an
// entity lookup or a personal-data field without BOTH a declared resolver and an explicit
// rule is either unguarded or refused by accident. This walks every subgraph's schema
// and rule tree and lists each such gap; the last tests show the walk catches them.

type RuleLike = { resolve: (...args: unknown[]) => unknown };
const rootTypes = ['Query', 'Mutation'];

function isRule(value: unknown): value is RuleLike {
  return typeof value === 'object' && value !== null && typeof (value as RuleLike).resolve === 'function';
}

/** The rule the shield applies to `type.field`, or undefined when the fallback would. */
function ruleFor(permissions: IRules, type: string, field: string, fieldLevelOnly = false): RuleLike | undefined {
  const entry = (permissions as Record<string, unknown>)[type];
  if (entry === undefined) return undefined;
  if (isRule(entry)) return fieldLevelOnly ? undefined : entry;
  const map = entry as Record<string, unknown>;
  const own = map[field];
  if (isRule(own)) return own;
  return fieldLevelOnly ? undefined : isRule(map['*']) ? map['*'] : undefined;
}

function hasDeclaredResolver(schema: GraphQLSchema, type: string, field: string): boolean {
  const graphQLType = schema.getType(type);
  if (!isObjectType(graphQLType)) return false;
  const resolve = graphQLType.getFields()[field]?.resolve;
  return resolve !== undefined && resolve !== defaultFieldResolver;
}

const personLikeType = /Person|Owner|Holder|Resident|User|Consumer|Member|Voter|Citizen|Contact/;
const nameQualifiers = new Set(['full', 'first', 'last', 'middle', 'holder', 'owner', 'person', 'contact']);

/** Field names that usually carry personal data (IIN, names of persons, phones, e-mails, birth dates). */
export function looksPersonal(type: string, field: string): boolean {
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_]+/);
  const has = (word: string) => words.includes(word);
  if (has('iin') || has('phone') || has('email') || has('patronymic') || has('birth')) return true;
  if (has('identification') && has('number')) return true;
  return has('name') && (words.some((word) => nameQualifiers.has(word)) || personLikeType.test(type));
}

/** Every gap in one subgraph's guarding, as readable sentences; empty when there is none. */
export function coverageProblems(definition: SubgraphDefinition, personalDataFields: readonly string[]): string[] {
  const problems: string[] = [];
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]);
  const { permissions } = definition;

  for (const typeName of rootTypes) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.keys(type.getFields())) {
      const path = `${typeName}.${field}`;
      const rule = ruleFor(permissions, typeName, field, true);
      if (!rule) problems.push(`${path} has no explicit rule of its own in permissions.`);
      if (!hasDeclaredResolver(schema, typeName, field)) problems.push(`${path} has no declared resolver, so the shield never runs for it.`);
      if (field === '_service' && rule !== deny) problems.push('Query._service must be denied: it hands out the whole schema.');
      if (field === '_entities' && (rule === allow || rule === undefined)) problems.push('Query._entities needs a rule with a policy per entity type (lib/auth/entities.ts).');
    }
  }

  for (const entry of personalDataFields) {
    const [typeName = '', field = ''] = entry.split('.');
    const type = schema.getType(typeName);
    if (!isObjectType(type) || !type.getFields()[field]) {
      problems.push(`${entry} is listed as personal data but is not in the schema.`);
      continue;
    }
    const rule = ruleFor(permissions, typeName, field);
    if (!rule || rule === allow) problems.push(`${entry} is personal data but has no restricting rule.`);
    if (!hasDeclaredResolver(schema, typeName, field)) problems.push(`${entry} is personal data but has no declared resolver, so its rule never runs.`);
  }

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    for (const field of Object.keys(type.getFields())) {
      const path = `${type.name}.${field}`;
      if (looksPersonal(type.name, field) && !personalDataFields.includes(path)) {
        problems.push(`${path} looks like personal data: list it in personalDataFields (permissions.ts) and guard it.`);
      }
      // A declared resolver without a rule is refused for everyone by the fallback.
      if (!rootTypes.includes(type.name) && hasDeclaredResolver(schema, type.name, field) && !ruleFor(permissions, type.name, field)) {
        problems.push(`${path} has a resolver but no rule: the fallback refuses it for everyone.`);
      }
    }
  }

  for (const [typeName, entry] of Object.entries(permissions as Record<string, unknown>)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) {
      problems.push(`permissions name the type ${typeName}, which is not in the schema.`);
      continue;
    }
    if (isRule(entry)) continue;
    for (const field of Object.keys(entry as Record<string, unknown>)) {
      if (field !== '*' && !type.getFields()[field]) problems.push(`permissions name ${typeName}.${field}, which is not in the schema.`);
    }
  }
  return problems;
}

async function personalDataFieldsOf(name: SubgraphName): Promise<string[]> {
  const file = new URL(`../subgraphs/${name}/permissions.ts`, import.meta.url);
  // A subgraph without permissions.ts still gets the SDL scan, which finds unlisted personal data.
  if (!existsSync(file)) return [];
  const module = (await import(file.href)) as { personalDataFields?: string[] };
  return module.personalDataFields ?? [];
}

describe('every subgraph guards every entry point', () => {
  for (const name of subgraphNames) {
    it(`${name}: every Query and Mutation field, _entities and personal-data field has a rule and a declared resolver`, async () => {
      const definition = subgraphDefinitions[name];
      expect(coverageProblems(definition, await personalDataFieldsOf(name))).toEqual([]);
      // The schema the subgraph really serves builds with the same rule tree.
      expect(() => buildSubgraph(definition)).not.toThrow();
    });
  }
});

describe('the coverage walk catches what it should', () => {
  const base = subgraphDefinitions.utilities;
  const baseResolvers = base.resolvers as Record<string, Record<string, unknown>>;
  const baseRules = base.permissions as Record<string, object>;
  const administrator: Caller = { kind: 'person', personId: 'p', tokenId: 't', isAdministrator: true, grants: [] };

  function extended(sdl: string, resolvers: Record<string, Record<string, unknown>>, permissions: IRules = base.permissions): SubgraphDefinition {
    const merged: Record<string, Record<string, unknown>> = { ...baseResolvers };
    for (const [type, fields] of Object.entries(resolvers)) merged[type] = { ...baseResolvers[type], ...fields };
    return { ...base, typeDefs: concatAST([base.typeDefs, parse(sdl)]), resolvers: merged as SubgraphDefinition['resolvers'], permissions };
  }

  it('a root field added without a rule is reported, and refused at run time by the fallback', async () => {
    const leaky = extended('extend type Query { "Added without a rule." leak: String }', { Query: { leak: () => 'secret' } });
    expect(coverageProblems(leaky, ['PersonalAccount.holderName', 'PersonalAccount.holderIin'])).toEqual([
      'Query.leak has no explicit rule of its own in permissions.',
    ]);
    const result = await graphql({
      schema: buildSubgraph(leaky),
      source: '{ leak }',
      contextValue: { caller: administrator, loaders: base.createLoaders(undefined as never, administrator) },
    });
    expect(result.data?.leak ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a root field with a rule but no resolver, and a rule for a misspelt field, are reported', () => {
    const definition = extended('extend type Query { "No resolver." unresolved: String }', {}, {
      ...base.permissions,
      Query: { ...baseRules.Query, unresolved: allow, suppplier: allow },
    } as IRules);
    expect(coverageProblems(definition, ['PersonalAccount.holderName', 'PersonalAccount.holderIin']).sort()).toEqual([
      'Query.unresolved has no declared resolver, so the shield never runs for it.',
      'permissions name Query.suppplier, which is not in the schema.',
    ]);
  });

  it('an unlisted personal-data field, and a listed one that lost its resolver, are reported', () => {
    const definition = extended('extend type Supplier { "A person to call." contactPhone: String }', { Supplier: { contactPhone: () => null } }, {
      ...base.permissions,
      Supplier: { ...baseRules.Supplier, contactPhone: allow },
    } as IRules);
    const { holderIin: _dropped, ...accountResolvers } = definition.resolvers.PersonalAccount as Record<string, unknown>;
    const withoutResolver: SubgraphDefinition = { ...definition, resolvers: { ...definition.resolvers, PersonalAccount: accountResolvers } as SubgraphDefinition['resolvers'] };
    expect(coverageProblems(withoutResolver, ['PersonalAccount.holderName', 'PersonalAccount.holderIin']).sort()).toEqual([
      'PersonalAccount.holderIin is personal data but has no declared resolver, so its rule never runs.',
      'Supplier.contactPhone looks like personal data: list it in personalDataFields (permissions.ts) and guard it.',
    ]);
  });

  it('recognizes the usual shapes of personal data by name', () => {
    expect(['holderIin', 'iin', 'fullName', 'phone', 'contactEmail', 'dateOfBirth', 'identificationNumber'].filter((f) => looksPersonal('Anything', f))).toHaveLength(7);
    expect(looksPersonal('PremiseOwner', 'name')).toBe(true);
    expect(['name', 'bin', 'accountNumber', 'premiseNumber', 'service', 'cadastralNumber'].some((f) => looksPersonal('Supplier', f))).toBe(false);
  });
});
