import { prepareDatabase } from './database.js';

// `npm run db:migrate`: applies the committed migrations (idempotent).
const { server } = await prepareDatabase();
console.log('Migrations applied.');
await server.stop();
