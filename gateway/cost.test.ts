import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost } from './cost.js';

const schema = buildSchema(`
  type PageInfo { hasNextPage: Boolean! }
  type BuildingEdge { node: Building! }
  type BuildingConnection { edges: [BuildingEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type Region { name: String parent: Region children: [Region!]! buildings(first: Int = 50): BuildingConnection! }
  type Building { id: ID! region: Region! premises: [String!]! accounts(first: Int = 20): [String!] }
  input Filter { kinds: [String!] }
  type Query { regions: [Region!]! buildings(first: Int, filter: Filter): BuildingConnection! }
  type Mutation { upload(items: [String!]!): Int }
`);

function cost(query: string, variables?: Record<string, unknown>, listSize = 10): number {
  const document = parse(query);
  const operation = document.definitions.find((definition) => definition.kind === 'OperationDefinition');
  if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
  return operationCost(schema, document, operation, variables, { listSize });
}

describe('operationCost', () => {
  it('counts a field 1 and multiplies its selection by first, a list size, or 1', () => {
    expect(cost('{ buildings(first: 7) { totalCount } }')).toBe(1 + 7);
    // edges of a connection is not multiplied again.
    expect(cost('{ buildings(first: 7) { edges { node { id } } } }')).toBe(1 + 7 * (1 + (1 + 1)));
    // No first and no default: 50, as the subgraphs page.
    expect(cost('{ buildings { totalCount } }')).toBe(51);
    // A list without first: the assumed list size.
    expect(cost('{ regions { name } }')).toBe(1 + 10);
    expect(cost('{ regions { name } }', {}, 3)).toBe(4);
    // The schema's default of first.
    expect(cost('{ regions { buildings { totalCount } } }')).toBe(1 + 10 * (1 + 50));
    // A list of scalars is one field.
    expect(cost('{ buildings(first: 2) { edges { node { premises } } } }')).toBe(1 + 2 * 3);
    expect(cost('{ __typename regions { __typename } }')).toBe(1);
  });

  it('reads first from variables, their defaults, and counts 0 as one shape', () => {
    const query = 'query($n: Int = 4) { buildings(first: $n) { totalCount } }';
    expect(cost(query, { n: 9 })).toBe(10);
    expect(cost(query, {})).toBe(5);
    expect(cost(query, { n: 0 })).toBe(2);
  });

  it('multiplies nested lists: regions → buildings(500) → region → buildings(500)', () => {
    const nested =
      '{ regions { buildings(first: 500) { edges { node { region { buildings(first: 500) { edges { node { id } } } } } } } } }';
    expect(cost(nested)).toBe(1 + 10 * (1 + 500 * (1 + (1 + (1 + (1 + 500 * (1 + (1 + 1))))))));
  });

  it('counts the items of input lists, literal or variable', () => {
    expect(cost('mutation { upload(items: ["a", "b", "c"]) }')).toBe(1 + 3);
    expect(cost('mutation($items: [String!]!) { upload(items: $items) }', { items: Array(1000).fill('x') })).toBe(1001);
    expect(cost('{ buildings(first: 0, filter: { kinds: ["a", "b"] }) { totalCount } }')).toBe(2 + 2);
  });

  it('costs each fragment once and reuses it at every spread: linear in the document, the total growing with every spread', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const query = `{ ...F0 } ${fragments} fragment F${levels} on Query { regions { name } }`;
    const started = performance.now();
    expect(cost(query)).toBe(2 ** levels * 11);
    expect(performance.now() - started).toBeLessThan(100);
    // Inline fragments and fragments on other types are counted as written.
    expect(cost('{ regions { ... on Region { name } ...R } } fragment R on Region { parent { name } }')).toBe(1 + 10 * (1 + 2));
  });
});
