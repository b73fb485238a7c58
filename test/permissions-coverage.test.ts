import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../lib/auth/caller.js';
import { entitiesRule, openEntity } from '../lib/auth/entities.js';
import { deny, isAuthenticated, isOpenPart, relyOnToken, rule, visibleWithParent } from '../lib/auth/shield.js';
import { forbidden } from '../lib/errors.js';
import { createSubgraphContext } from '../lib/subgraph-context.js';
import { buildSubgraph, type SubgraphDefinition, SubgraphRefusesToStart } from '../lib/subgraph-schema.js';
import { subgraphDefinitions, subgraphNames } from '../subgraphs/index.js';

// @apollo/subgraph builds schemas with the CommonJS graphql; under vitest an ESM import
// would be a second copy whose instanceof checks fail, so use the same one.
const { graphql, parse } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

const anonymous: Caller = { kind: 'anonymous' };
const person: Caller = { kind: 'person', personId: 'p', tokenId: 't', isAdministrator: false, grants: [] };

/** A small subgraph of e-voting, the kind of type the next issues add: ballots carry a voter's IIN. */
const votingSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { ballots: [Ballot!]! meeting: Meeting }
  type Ballot @key(fields: "id") { id: ID! voterIin: String! choice: String! }
  type Meeting { id: ID! title: String! }
`;

const ballots = [{ id: 'b1', voterIin: '850101300012', choice: 'FOR' }];

const readsOwnBallot = rule()<{ voterIin: string }>((ballot, _args, context) =>
  context.caller.kind === 'person' ? relyOnToken() : forbidden(`Ballot ${ballot.voterIin.slice(0, 0)}of another owner.`),
);

function voting(
  permissions: SubgraphDefinition['permissions'],
  personalData: SubgraphDefinition['personalData'] = { Ballot: ['voterIin'] },
): SubgraphDefinition {
  return {
    name: 'condominium',
    typeDefs: parse(votingSdl),
    // Only root resolvers: every Ballot and Meeting field is served by the default resolver.
    resolvers: { Query: { ballots: () => ballots, meeting: () => ({ id: 'm1', title: 'Annual meeting' }) } },
    permissions,
    personalData,
    createLoaders: () => ({}),
  };
}

const complete = {
  Query: { ballots: isOpenPart, meeting: isOpenPart, _entities: entitiesRule({ Ballot: openEntity }), _service: deny },
  Ballot: { '*': isAuthenticated, voterIin: readsOwnBallot },
  Meeting: { '*': isOpenPart },
};

async function run(definition: SubgraphDefinition, caller: Caller, source: string) {
  return graphql({
    schema: buildSubgraph(definition),
    source,
    contextValue: createSubgraphContext(definition, undefined as never, caller),
  });
}

describe('rules fail closed on every field', () => {
  it('a subgraph with an unruled type refuses to start and names every field of it', () => {
    const { Meeting: _dropped, ...withoutMeeting } = complete;
    expect(() => buildSubgraph(voting(withoutMeeting))).toThrow(SubgraphRefusesToStart);
    expect(() => buildSubgraph(voting(withoutMeeting))).toThrow(/Meeting\.id has no rule[\s\S]*Meeting\.title has no rule/);
  });

  it('a subgraph with an unruled field (no rule of its own, no type default) refuses to start and names it', () => {
    const permissions = { ...complete, Ballot: { id: isAuthenticated, voterIin: readsOwnBallot } };
    expect(() => buildSubgraph(voting(permissions))).toThrow(/Ballot\.choice has no rule/);
    expect(() => buildSubgraph(voting(permissions))).not.toThrow(/Ballot\.id/);
  });

  it("a field served by the default resolver is checked by its type's rule: an anonymous caller gets no ballot", async () => {
    const result = await run(voting(complete), anonymous, '{ ballots { id choice } }');
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const signedIn = await run(voting(complete), person, '{ ballots { id choice voterIin } meeting { title } }');
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data).toEqual({ ballots: ballots, meeting: { title: 'Annual meeting' } });
  });

  it('a field whose own rule refuses is refused though its type allows the rest', async () => {
    const permissions = { ...complete, Ballot: { '*': isOpenPart, voterIin: rule()(() => forbidden('Not yours.')) } };
    const result = await run(voting(permissions), anonymous, '{ ballots { choice voterIin } }');
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const open = await run(voting(permissions), anonymous, '{ ballots { choice } }');
    expect(open.data).toEqual({ ballots: [{ choice: 'FOR' }] });
  });

  it('personal data must be declared fields of the schema with a restricting rule of their own', () => {
    expect(() => buildSubgraph(voting(complete, { Ballot: ['voterIban'] }))).toThrow(
      /Ballot\.voterIban is declared personal data but is not in the schema/,
    );
    const openPersonalData = { ...complete, Ballot: { '*': isOpenPart, voterIin: visibleWithParent } };
    expect(() => buildSubgraph(voting(openPersonalData))).toThrow(
      /Ballot\.voterIin is personal data and needs a restricting rule of its own/,
    );
    const onlyTypeDefault = { ...complete, Ballot: { '*': isAuthenticated } };
    expect(() => buildSubgraph(voting(onlyTypeDefault))).toThrow(/Ballot\.voterIin is personal data/);
  });

  it('rules naming types or fields that do not exist are refused (a misspelt rule protects nothing)', () => {
    const permissions = { ...complete, Ballot: { ...complete.Ballot, choise: isOpenPart }, Bllot: { '*': isOpenPart } };
    expect(() => buildSubgraph(voting(permissions))).toThrow(/Ballot\.choise, which is not in the schema[\s\S]*type Bllot/);
  });

  it('a rule that throws (a database outage) is not reported as FORBIDDEN', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const permissions = { ...complete, Query: { ...complete.Query, ballots: rule()(() => Promise.reject(outage)) } };
    const result = await run(voting(permissions), person, '{ ballots { id } }');
    expect(result.errors?.[0]?.extensions?.code).not.toBe('FORBIDDEN');
    expect(result.errors?.[0]?.originalError).toBe(outage);
  });

  for (const name of subgraphNames) {
    it(`${name}: the served subgraph has a rule for every field and declares its personal data`, () => {
      const definition = subgraphDefinitions[name];
      expect(() => buildSubgraph(definition)).not.toThrow();
      expect(definition.personalData).toBeTypeOf('object');
    });
  }
});
