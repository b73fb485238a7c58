// Every subgraph's tables, one file per subgraph, each in its own Postgres schema.

export * from './access.js';
export * from './buildings.js';
export * from './condominium.js';
export * from './integration.js';
export * from './platform.js';
export * from './utilities.js';
