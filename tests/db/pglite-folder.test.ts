// A fresh clone has no ./data: opening the embedded database must create the folders above it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openPglite, queryRows } from '../../db/client';

it('opens PGlite in a folder whose parents do not exist yet', async () => {
  const base = mkdtempSync(join(tmpdir(), 'ancu-fresh-'));
  const handle = openPglite(join(base, 'data', 'nested', 'pglite'));
  try {
    const [row] = await queryRows<{ one: number }>(handle.db, sql`SELECT 1 AS one`);
    expect(row!.one).toBe(1);
  } finally {
    await handle.close();
    rmSync(base, { recursive: true, force: true });
  }
});
