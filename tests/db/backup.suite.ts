// Backup and restore on one driver: the small demo and the staff world backed up, restored into a fresh
// database; the ledger verifies with the same head hash, the staff accounts are the same, and new
// postings continue the chain. A damaged file or a database with data is refused.
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { dumpDatabase, restoreDatabase, type Manifest } from '../../db/backup';
import { DEMO_CAMPAIGN, generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { verifyLedger } from '../../src/domain/verify';
import { saveStaffUser, signIn } from '../../src/staff/accounts';
import { PASSWORD } from './staff-world';
import { give, type World } from './world';
import { refusal } from '../refusal';
import type { FreshDb } from './harness';

const staffOf = (handle: DbHandle) => queryRows(handle.db, sql`SELECT * FROM staff_users ORDER BY username`);

export function backupSuite(driver: string, fresh: FreshDb): void {
  describe(`backup and restore (${driver})`, () => {
    const open: DbHandle[] = [];
    const db = async () => { const handle = await fresh(); open.push(handle); return handle; };
    afterEach(async () => { for (const handle of open.splice(0)) await handle.close(); });

    async function backedUp(): Promise<{ source: DbHandle; world: World; manifest: Manifest; files: Map<string, string> }> {
      const source = await db();
      await loadDemo(source, generateDemo(SMALL_DEMO));
      await saveStaffUser(source.db, { username: 'admin', displayName: 'Quản trị', role: 'administrator', password: PASSWORD });
      await saveStaffUser(source.db, { username: 'thu', displayName: 'Hoàng Thị Thu', role: 'recorder', areaCodes: ['BK-BB'], password: PASSWORD });
      const world = { campaignId: DEMO_CAMPAIGN.id } as World;
      const files = new Map<string, string>();
      const manifest = await dumpDatabase(source, async (table, text) => { files.set(table, text); });
      return { source, world, manifest, files };
    }

    it('restores into a fresh database with the same head hash, the same staff, and a chain that goes on', async () => {
      const { source, world, manifest, files } = await backedUp();
      const before = await verifyLedger(source.db);
      expect(manifest).toMatchObject({ entries: before.entries, headHash: before.headHash, driver });
      expect(manifest.tables.find((t) => t.name === 'journal_lines')!.rows).toBeGreaterThan(100);
      const names = manifest.tables.map((t) => t.name);
      expect(names.indexOf('journal_entries')).toBeLessThan(names.indexOf('journal_lines'));
      expect(names.indexOf('campaigns')).toBeLessThan(names.indexOf('houses'));

      const target = await db();
      await restoreDatabase(target, manifest, async (table) => files.get(table)!);
      const after = await verifyLedger(target.db);
      expect(after).toMatchObject({ ok: true, entries: before.entries, headHash: before.headHash });
      expect(await staffOf(target)).toEqual(await staffOf(source));
      expect(await signIn(target.db, { username: 'thu', password: PASSWORD, ip: '127.0.0.9' })).toHaveProperty('token');
      // Sequences moved past the restored ids: a new gift gets new ids and extends the same chain.
      await give(target.db, world);
      const extended = await verifyLedger(target.db);
      expect(extended).toMatchObject({ ok: true, entries: before.entries + 1 });
    }, 600_000);

    it('refuses a damaged backup and a database that already has data, changing nothing', async () => {
      const { source, manifest, files } = await backedUp();
      const target = await db();
      const damaged = new Map(files);
      damaged.set('journal_lines', files.get('journal_lines')!.replace(/\t(-?\d+)\n/, (_m, n) => `\t${Number(n) + 1}\n`));
      expect(await refusal(() => restoreDatabase(target, manifest, async (table) => damaged.get(table)!))).toMatchObject({ code: 'backup_corrupt' });
      const [empty] = await queryRows<{ n: number }>(target.db, sql`SELECT count(*)::int AS n FROM journal_entries`);
      expect(empty!.n).toBe(0);
      expect(await refusal(() => restoreDatabase(source, manifest, async (table) => files.get(table)!))).toMatchObject({ status: 409, code: 'database_not_empty' });
    }, 600_000);
  });
}
