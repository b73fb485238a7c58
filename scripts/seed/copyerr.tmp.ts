import postgres from 'postgres';
import { startPostgres } from '../../lib/postgres-server.js';
import { copyInto } from './copy-rows.js';
const server = await startPostgres({ dataDir: '/tmp/seedpg', disposable: true });
const sql = postgres(server.url, { max: 1, onnotice: () => {} });
await sql`create temp table t (a int primary key)`.catch(() => {});
try {
  const timer = setTimeout(() => { console.log('HUNG'); process.exit(3); }, 5000);
  await sql.begin(async (tx) => {
    await tx`create table if not exists tt (a int primary key)`;
    await tx`truncate tt`;
    await copyInto(tx, 'copy tt (a) from stdin', ['1\n2\nx\n', '3\n']);
  });
  clearTimeout(timer);
  console.log('no error?');
} catch (e) { console.log('rejected:', (e as Error).message); }
await sql.end(); await server.stop();
