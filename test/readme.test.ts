import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../gateway/compose.js';

// Keeps the documentation true: every GraphQL operation shown to users must be valid
// against the API the gateway serves.
const documents = ['README.md', 'docs/authentication.md'];
const apiSchema = Supergraph.build(composeSupergraph()).apiSchema().toGraphQLJSSchema();

function graphqlBlocks(file: string): string[] {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  return [...text.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

describe('documented operations', () => {
  for (const file of documents) {
    const blocks = graphqlBlocks(file);
    it.each(blocks.map((block, index) => ({ index, block, name: /^(?:query|mutation)\s+(\w+)/m.exec(block)?.[1] ?? `#${index}` })))(
      `${file}: $name is valid against the supergraph`,
      ({ block }) => {
        expect(validate(apiSchema, parse(block)).map((error) => error.message)).toEqual([]);
      },
    );
  }
  it('README shows operations for each kind of user', () => {
    expect(graphqlBlocks('README.md').length).toBeGreaterThanOrEqual(8);
  });
});
