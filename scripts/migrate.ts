// npm run db:migrate — applies the committed migrations to the configured database.
import { isEntry, runCommand, type Command } from './lib/cli';

export const command: Command = {
  name: 'db:migrate',
  usage: `Áp dụng các migration / Apply the committed migrations to the configured database.
Usage: npm run db:migrate   (DATABASE_URL for PostgreSQL; otherwise the embedded folder, PGLITE_DIR or ./data/pglite)`,
  flags: [],
  database: true,
  run: async (ctx) => {
    const handle = ctx.open();
    try {
      ctx.out(`Migrating ${handle.driver} database at ${handle.location} ...`);
      const started = Date.now();
      await handle.migrate();
      ctx.out(`Migrations applied in ${Date.now() - started} ms.`);
    } finally {
      await handle.close();
    }
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
