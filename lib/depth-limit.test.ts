import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimit } from './depth-limit.js';

const schema = buildSchema(`
  type Region { name: String parent: Region children: [Region] }
  type Query { region: Region }
`);

function errors(query: string, max: number) {
  return validate(schema, parse(query), [depthLimit(max)]).map((error) => error.message);
}

describe('depthLimit', () => {
  it('accepts an operation at the limit and refuses one level deeper', () => {
    expect(errors('{ region { parent { name } } }', 3)).toEqual([]);
    expect(errors('{ region { parent { parent { name } } } }', 3)).toHaveLength(1);
  });
  it('follows fragments, including ones that would recurse', () => {
    const query = 'query { region { ...F } } fragment F on Region { children { children { children { name } } } }';
    expect(errors(query, 4)).toHaveLength(1);
    expect(errors(query, 5)).toEqual([]);
  });
});
