import { eq } from 'drizzle-orm';
import { connectDatabase } from '../lib/db.js';
import { env } from '../lib/env.js';
import { persons } from '../schema/access.js';
import { prepareDatabase } from './database.js';

// `npm run db:migrate` and docker-compose's `migrate` job: applies the committed
// migrations (idempotent), then creates the first administrator from BOOTSTRAP_ADMIN_TOKEN
// when none exists. The token unset or empty are the same: no administrator is created,
// which is fine once one exists (and for `npm start`, whose demo data brings one), so
// this only warns; docker-compose requires the variable for a first start on its own.
const { server, url } = await prepareDatabase();
try {
  console.log('Migrations applied.');
  if (!env().BOOTSTRAP_ADMIN_TOKEN) {
    const handle = connectDatabase(url, { max: 1 });
    try {
      const [administrator] = await handle.db.select({ id: persons.id }).from(persons).where(eq(persons.isAdministrator, true)).limit(1);
      if (!administrator) {
        console.warn(
          'No administrator exists and BOOTSTRAP_ADMIN_TOKEN is unset or empty, so nobody can grant access yet. ' +
            'Set BOOTSTRAP_ADMIN_TOKEN to a random string of 32+ characters (openssl rand -base64 48) and run the migration again.',
        );
      }
    } finally {
      await handle.close();
    }
  }
} finally {
  await server.stop();
}
