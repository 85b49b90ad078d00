// The "nothing changed" helper must see what a row count cannot: an UPDATE that keeps every count.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { changedTables, tableDigests } from './digest';
import type { FreshDb } from './harness';
import { buildStaffWorld } from './staff-world';

export function digestSuite(driver: string, fresh: FreshDb): void {
  describe(`table content digests (${driver})`, () => {
    let handle: DbHandle;
    beforeEach(async () => {
      handle = await fresh();
      await buildStaffWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });

    it('covers every table and names the one an UPDATE changed, though no count moved', async () => {
      const before = await tableDigests(handle.db);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['journal_entries', 'staff_users', 'houses', 'pledges', 'audit_log']));
      expect(changedTables(before, await tableDigests(handle.db))).toEqual([]);
      await handle.db.execute(sql`UPDATE staff_users SET disabled = true WHERE username = 'thu'`);
      await handle.db.execute(sql`UPDATE houses SET funded_on = '2024-09-01' WHERE id = (SELECT min(id) FROM houses)`);
      const after = await tableDigests(handle.db);
      expect(changedTables(before, after)).toEqual(['houses', 'staff_users']);
      expect(after.staff_users!.split(':')[0]).toBe(before.staff_users!.split(':')[0]);
    });
  });
}
