import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import { describeError } from '../../scripts/lib/cli';

// The error a command meets on a database that was never migrated, as the driver and Drizzle raise it.
async function queryOnEmptyDatabase(): Promise<unknown> {
  const client = new PGlite();
  try {
    await drizzle(client).execute(sql`SELECT max(id) FROM journal_entries`);
  } catch (error) {
    return error;
  } finally {
    await client.close();
  }
  throw new Error('the query on an empty database did not fail');
}

describe('a command run on a database without the tables', () => {
  it('names the missing table and says to run db:migrate, in Vietnamese and English', async () => {
    const lines = describeError(await queryOnEmptyDatabase());
    expect(lines.join('\n')).toContain('relation "journal_entries" does not exist');
    expect(lines.some((line) => line.includes('npm run db:migrate') && line.includes('chưa'))).toBe(true);
  });

  it('does not suggest a migration for other failures', () => {
    expect(describeError(new Error('disk full')).join('\n')).not.toContain('db:migrate');
  });
});
