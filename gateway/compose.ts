import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { SubgraphName } from '../lib/subgraph-server.js';

const subgraphOrder: SubgraphName[] = ['buildings', 'condominium', 'utilities', 'access'];

/** Routing URLs written into the committed supergraph; the running gateway overrides them. */
const defaultSubgraphUrls: Record<SubgraphName, string> = {
  buildings: 'http://buildings:4001/',
  condominium: 'http://condominium:4002/',
  utilities: 'http://utilities:4003/',
  access: 'http://access:4004/',
};

function readSubgraphSdl(name: SubgraphName): string {
  return readFileSync(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url), 'utf8');
}

export class CompositionFailed extends Error {}

/** Composes the four hand-written subgraph schemas; throws a readable list of composition errors. */
export function composeSupergraph(urls: Record<SubgraphName, string> = defaultSubgraphUrls): string {
  return composeSubgraphs(subgraphOrder.map((name) => ({ name, url: urls[name], sdl: readSubgraphSdl(name) })));
}

export function composeSubgraphs(subgraphs: Array<{ name: string; url: string; sdl: string }>): string {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) {
    const lines = result.errors.map((error) => `  - ${error.message}`);
    throw new CompositionFailed(`The subgraph schemas do not compose into a supergraph:\n${lines.join('\n')}`);
  }
  return result.supergraphSdl;
}

export const supergraphFile = new URL('../schema/supergraph.graphql', import.meta.url);
