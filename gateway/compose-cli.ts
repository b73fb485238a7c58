import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CompositionFailed, composeSupergraph, supergraphFile } from './compose.js';

// `npm run compose`: writes schema/supergraph.graphql, the committed composed schema.
try {
  writeFileSync(supergraphFile, composeSupergraph());
  console.log(`Wrote ${fileURLToPath(supergraphFile)}`);
} catch (error) {
  console.error(error instanceof CompositionFailed ? error.message : error);
  process.exitCode = 1;
}
