/**
 * The subgraphs of the graph, declared once. Everything that lists them (composition,
 * the system start, ports and URLs, tests) derives from this.
 */
export const subgraphNames = ['buildings', 'condominium', 'utilities', 'access', 'integration'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

/** Default port of each subgraph (`<NAME>_PORT` overrides it), and the variable names. */
export const subgraphDefaultPorts: Record<SubgraphName, number> = {
  buildings: 4001,
  condominium: 4002,
  utilities: 4003,
  access: 4004,
  integration: 4005,
};

/** `BUILDINGS_PORT`, `UTILITIES_URL`, …: the configuration variables of one subgraph. */
export function subgraphVariable<S extends 'PORT' | 'URL'>(name: SubgraphName, suffix: S): `${Uppercase<SubgraphName>}_${S}` {
  return `${name.toUpperCase() as Uppercase<SubgraphName>}_${suffix}`;
}

/** Where each subgraph listens by default: the routing URLs of the committed supergraph and of `npm start`. */
export function defaultSubgraphUrls(host = '127.0.0.1'): Record<SubgraphName, string> {
  return Object.fromEntries(subgraphNames.map((name) => [name, `http://${host}:${subgraphDefaultPorts[name]}/`])) as Record<
    SubgraphName,
    string
  >;
}
