// npm run db:migrate — applies the committed migrations to the configured database.
import { openDatabase } from '../db/client';
import { runCli } from './lib/cli';

await runCli(async () => {
  const handle = openDatabase();
  console.log(`Migrating ${handle.driver} database at ${handle.location} ...`);
  const started = Date.now();
  await handle.migrate();
  console.log(`Migrations applied in ${Date.now() - started} ms.`);
  await handle.close();
});
