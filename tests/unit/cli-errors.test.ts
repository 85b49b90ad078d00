import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { openPglite, openPostgres, type DbHandle } from '../../db/client';
import { describeError } from '../../scripts/lib/cli';

// An empty embedded database, and the server at DATABASE_URL when it is set (its test database has no such table).
const drivers: [string, () => DbHandle][] = [
  ['pglite', () => openPglite(new PGlite())],
  ...(process.env.DATABASE_URL ? [['postgres', () => openPostgres(process.env.DATABASE_URL!, 1)] as [string, () => DbHandle]] : []),
];

// The error a command meets on a database that was never migrated, as the driver and Drizzle raise it.
async function queryMissingTable(open: () => DbHandle): Promise<unknown> {
  const handle = open();
  try {
    await handle.db.execute(sql`SELECT max(id) FROM journal_entries_never_created`);
  } catch (error) {
    return error;
  } finally {
    await handle.close();
  }
  throw new Error('the query on a missing table did not fail');
}

describe.each(drivers)('a command run on a database without the tables (%s)', (_name, open) => {
  it('names the missing table and says to run db:migrate, in Vietnamese and English', async () => {
    const lines = describeError(await queryMissingTable(open));
    expect(lines.join('\n')).toContain('relation "journal_entries_never_created" does not exist');
    expect(lines.some((line) => line.includes('npm run db:migrate') && line.includes('chưa'))).toBe(true);
  });

  it('does not suggest a migration for other failures', () => {
    expect(describeError(new Error('disk full')).join('\n')).not.toContain('db:migrate');
  });
});
