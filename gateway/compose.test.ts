import { describe, expect, it } from 'vitest';
import { CompositionFailed, composeSubgraphs } from './compose.js';

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

describe('composeSubgraphs', () => {
  it('stops with a readable list of what does not compose', () => {
    const compose = () =>
      composeSubgraphs([
        {
          name: 'a',
          url: 'http://a/',
          sdl: `${link}\n type Query { region: Region } type Region @key(fields: "katoCode") { katoCode: String! name: String }`,
        },
        {
          name: 'b',
          url: 'http://b/',
          sdl: `${link}\n type Query { other: Int } type Region @key(fields: "katoCode") { katoCode: String! name: Int }`,
        },
      ]);
    expect(compose).toThrow(CompositionFailed);
    expect(compose).toThrow(/do not compose into a supergraph:\n {2}- .*Region\.name/);
  });
});
