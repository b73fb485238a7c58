import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { defaultSubgraphUrls, type SubgraphName, subgraphNames } from '../lib/subgraph-names.js';

function readSubgraphSdl(name: SubgraphName): string {
  return readFileSync(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url), 'utf8');
}

export class CompositionFailed extends Error {}

/**
 * Composes the hand-written subgraph schemas; throws a readable list of composition errors.
 * The committed supergraph routes to `npm start`'s addresses (`http://127.0.0.1:4001/` …),
 * so any router can serve it as it is next to `npm start`; our gateway composes with the
 * URLs it is given, and other routers override them in their own configuration.
 */
export function composeSupergraph(urls: Record<SubgraphName, string> = defaultSubgraphUrls()): string {
  return composeSubgraphs(subgraphNames.map((name) => ({ name, url: urls[name], sdl: readSubgraphSdl(name) })));
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
