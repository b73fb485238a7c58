import { startPostgres } from '../lib/postgres-server.js';
import postgres from 'postgres';
const s = await startPostgres({ dataDir: '/work/main/.data/pgtry', disposable: true, log: (l) => {} });
const sql = postgres(s.url);
console.log(await sql`select version()`);
await sql.end();
await s.stop();
