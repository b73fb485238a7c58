// Every subgraph's tables, one file per subgraph, each in its own Postgres schema.
export * from './buildings.js';
export * from './access.js';
export * from './condominium.js';
export * from './utilities.js';
export * from './platform.js';
