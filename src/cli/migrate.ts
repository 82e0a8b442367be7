// npm run migrate: apply pending migrations to the configured database.
import { runCli } from './support.js';
import { migrate } from '../db/migrate.js';

await runCli(async ({ db }) => {
  const applied = await migrate(db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
});
