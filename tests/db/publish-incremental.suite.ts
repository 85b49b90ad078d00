// A publish after one new gift, on one driver: it writes exactly the files that show the gift, links
// every other file from the last publish, equals a full publish byte for byte, and verifies.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type DbHandle } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { reverseEntry } from '../../src/domain/corrections';
import { mergeDonors } from '../../src/domain/donors';
import { advanceStage } from '../../src/domain/houses';
import { withdrawDonorName, withdrawHeadNameConsent } from '../../src/domain/public-records';
import { importStatement } from '../../src/payments/bank-import';
import { parseStatement } from '../../src/payments/bank-statement';
import { readStatementFile } from '../../src/payments/statement-file';
import { CASH_BOOK_FILES, type CashBookIndex } from '../../src/publish/cash-book';
import { bankSheet, sheetCsv } from '../../scripts/lib/statement-fixture';
import type { SixMonthReport } from '../../src/staff/report';
import { publishDataset, type PublishReport } from '../../src/publish/export';
import { FILES, LEDGER_PAGE_SIZE, ledgerPagesIn, type Checkpoint } from '../../src/publish/format';
import { verifyDataset } from '../../src/publish/verify-dataset';
import { generatePrivateKey, signerFromPrivateKey } from '../../src/publish/tlog/signer';
import { filesUnder, type FreshDb } from './harness';
import { buildWorld, give, nextKey, type World } from './world';

const run = promisify(execFile);

export function publishIncrementalSuite(driver: string, fresh: FreshDb): void {
  describe(`incremental publish (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    let root: string;
    let first: string;
    let second: string;
    let full: string;
    let report: PublishReport;
    let fullReport: PublishReport;
    let inodes: Map<string, number>;
    const signer = signerFromPrivateKey(generatePrivateKey('an-cu.test/journal'));
    const later = new Date('2025-02-01T00:00:00Z');

    beforeAll(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db, 3);
      // Enough gifts for two ledger pages, to the general fund and to each house.
      for (let i = 0; i < 300; i++) {
        const house = world.houses[i % 4];
        await give(handle.db, world, { amountVnd: 100_000 + i, target: house ? { type: 'house', houseId: house.houseId } : { type: 'general' } });
      }
      root = mkdtempSync(join(tmpdir(), 'ancu-incremental-'));
      // August: a gift and the bank's statement, with a credit it does not explain (awaiting review): the
      // reconciliation's month, which later publishes keep from the cash book's running totals.
      await give(handle.db, world, { amountVnd: 2_500_000, receivedAt: '2024-08-10T03:00:00Z' });
      const august = join(root, 'aug.csv');
      writeFileSync(august, sheetCsv(bankSheet('bidv', [{ date: '20/08/2024', reference: 'FT1', creditVnd: 50_000, memo: 'ung ho' }])));
      const augustFile = await readStatementFile(august);
      await importStatement(handle.db, parseStatement(augustFile.table), augustFile);
      first = join(root, 'first');
      await publishDataset(handle.db, first, { signer, now: new Date('2025-01-01T00:00:00Z') });
      await run('cp', ['-a', first, join(root, 'kept')]);
      // One new gift to the second house, then the publish into the same folder, as `npm run publish` does.
      const gift = await give(handle.db, world, { amountVnd: 777_000, target: { type: 'house', houseId: world.houses[1]!.houseId }, receivedAt: '2024-09-02T03:00:00Z' });
      expect(gift.replayed).toBe(false);
      second = join(root, 'second');
      await run('cp', ['-a', first, second]);
      inodes = new Map(filesUnder(second).map((p) => [p, statSync(join(second, p)).ino]));
      report = await publishDataset(handle.db, second, { signer, now: later });
      // The same data published in full beside it, from its own copy of the first publish.
      full = join(root, 'full');
      await run('cp', ['-a', join(root, 'kept'), full]);
      fullReport = await publishDataset(handle.db, full, { signer, now: later, previous: join(root, 'kept'), incremental: false });
    }, 600_000);
    // Publishes the same data from copies of `from`: incrementally, and in full beside it; the two must be equal byte for byte.
    async function publishBoth(from: string, name: string, now: Date): Promise<{ dir: string; report: PublishReport; fullReport: PublishReport }> {
      const dir = join(root, name);
      const fullDir = join(root, `${name}-full`);
      await run('cp', ['-a', from, dir]);
      await run('cp', ['-a', from, fullDir]);
      const report = await publishDataset(handle.db, dir, { signer, now });
      const fullReport = await publishDataset(handle.db, fullDir, { signer, now, incremental: false });
      const paths = filesUnder(dir);
      expect(filesUnder(fullDir)).toEqual(paths);
      for (const path of paths) expect(readFileSync(join(dir, path)).equals(readFileSync(join(fullDir, path))), path).toBe(true);
      return { dir, report, fullReport };
    }

    afterAll(async () => {
      await handle?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('writes exactly the files that show the gift: its house, the totals, its ledger page and journal chunk', () => {
      const checkpoint = JSON.parse(readFileSync(join(second, FILES.checkpoint), 'utf8')) as Checkpoint;
      const lastPage = ledgerPagesIn(checkpoint.files.map((f) => f.path)).at(-1)!;
      expect(report.changes.changed.sort()).toEqual([
        FILES.giving360, FILES.areas, 'cash-book/cash_bank/2024-09.csv', 'cash-book/cash_bank/2024-09/0002.json', 'cash-book/index.json',
        FILES.ledgerPage(2), FILES.contributionsCsv, FILES.house(world.houses[1]!.publicCode), FILES.houses, FILES.housesCsv,
        checkpoint.journal_chunks.at(-1)!, FILES.records, FILES.summary,
        // Its half-year's report, and the later one's figures "to date".
        FILES.report('2024-h2'), FILES.report('2025-h1'),
      ].sort());
      expect(lastPage).toBe(FILES.ledgerPage(2));
      expect(report.changes.removed).toEqual([]);
      expect(report.changes.changedBytes).toBe(checkpoint.files.filter((f) => report.changes.changed.includes(f.path)).reduce((s, f) => s + f.bytes, 0));
    });

    it("reconciles the kept month from the cash book's running totals", () => {
      const index = JSON.parse(readFileSync(join(second, CASH_BOOK_FILES.index), 'utf8')) as CashBookIndex;
      expect(index.reconciliation.map((m) => [m.month, m.statement_closing_vnd, m.ledger_closing_vnd, m.awaiting_net_vnd, m.unexplained_vnd])).toEqual([['2024-08', 50_000, 2_500_000, 50_000, -2_500_000]]);
      expect(statSync(join(second, CASH_BOOK_FILES.page('cash_bank', '2024-08', 1))).ino).toBe(inodes.get(CASH_BOOK_FILES.page('cash_bank', '2024-08', 1)));
    });

    it('reads the change, not the campaign: the new entries, the one house and the one ledger page they touch', () => {
      expect(report.incremental).toBe(true);
      expect(report.read.houses).toBe(1);
      // The new entry, and the entries of the log's unfinished 256-entry bundle before it.
      expect(report.read.entries).toBeLessThanOrEqual(256);
      expect(report.read.entries).toBe(report.entries - Math.floor((report.entries - 1) / 256) * 256);
      // The last ledger page, where the gift goes, and nothing before it.
      expect(report.read.contributions).toBe(report.contributions - LEDGER_PAGE_SIZE);
      expect(fullReport.incremental).toBe(false);
      expect(fullReport.read).toEqual({ entries: report.entries, houses: world.houses.length, contributions: report.contributions, reports: 2 });
    });

    it('links every other file from the last publish instead of writing it', () => {
      const kept = join(root, 'kept');
      const unchanged = [FILES.house(world.houses[0]!.publicCode), FILES.house(world.houses[2]!.publicCode), FILES.ledgerPage(1), FILES.campaign, FILES.allocations];
      for (const path of unchanged) {
        expect(readFileSync(join(second, path)).equals(readFileSync(join(kept, path))), path).toBe(true);
        expect(statSync(join(second, path)).ino, `${path} was written again`).toBe(inodes.get(path));
      }
      const house = FILES.house(world.houses[1]!.publicCode);
      expect(statSync(join(second, house)).ino).not.toBe(inodes.get(house));
    });

    it('after every other kind of change is still byte for byte the full publish, reading only what changed', async () => {
      // An early gift reversed (its ledger page, not the last), its donor's name withdrawn, a gift to a commune,
      // pooled money allocated to a house, a stage reached and a household's consent withdrawn.
      const [early] = await queryRows<{ id: number | string; donor_id: number | string; entry_id: number | string }>(handle.db, sql`
        SELECT c.id, c.donor_id, e.id AS entry_id FROM contributions c JOIN journal_entries e ON e.contribution_id = c.id ORDER BY c.id LIMIT 1 OFFSET 3`);
      const [named] = await queryRows<{ id: number | string }>(handle.db, sql`
        SELECT c.id FROM contributions c JOIN donors d ON d.id = c.donor_id WHERE NOT d.anonymous AND c.id > ${Number(early!.id)} ORDER BY c.id LIMIT 1`);
      const [namedDonor] = await queryRows<{ donor_id: number | string }>(handle.db, sql`SELECT donor_id FROM contributions WHERE id = ${Number(named!.id)}`);
      await reverseEntry(handle.db, { idempotencyKey: nextKey('rev'), entryId: Number(early!.entry_id), reason: 'Nhập trùng', requestedBy: 'can.bo', occurredAt: '2025-02-02T00:00:00Z' });
      await withdrawDonorName(handle.db, { idempotencyKey: nextKey('withdraw'), donorId: Number(namedDonor!.donor_id), requestedBy: 'can.bo', occurredAt: '2025-02-02T00:00:00Z' });
      await give(handle.db, world, { amountVnd: 3_000_000, target: { type: 'commune', areaId: world.communeA }, receivedAt: '2025-02-02T03:00:00Z' });
      await allocateFromPool(handle.db, { idempotencyKey: nextKey(), houseId: world.houses[2]!.houseId, fromAreaId: world.communeA, amountVnd: 1_000_000, decisionRef: 'QĐ 9', createdBy: 'A', occurredAt: '2025-02-02' });
      await advanceStage(handle.db, { houseId: world.houses[0]!.houseId, stage: 'funded', on: '2025-02-02', reason: 'Kinh phí của xã, ngoài sổ cái' });
      await withdrawHeadNameConsent(handle.db, { idempotencyKey: nextKey('consent'), houseId: world.houses[1]!.houseId, requestedBy: 'can.bo', occurredAt: '2025-02-02T00:00:00Z' });
      const evenLater = new Date('2025-03-01T00:00:00Z');
      const { dir: third, report: changed } = await publishBoth(second, 'third', evenLater);
      expect(changed.incremental).toBe(true);
      expect(changed.read.houses).toBeLessThan(world.houses.length + 1);
      expect(changed.changes.changed).toContain(FILES.ledgerPage(1));
      const verified = await verifyDataset(third, { key: signer.verifierKey });
      expect(verified.fault).toBeUndefined();
      // The months and goods pages kept from the last publish are recomputed from the chain like the new ones.
      expect(verified.checked.join('\n')).toMatch(/cash book: \d+ cash lines on \d+ account months/);
    }, 600_000);

    it('makes again only the half-year reports a change reaches, and keeps the others with the new chain head', async () => {
      const april = new Date('2025-04-01T00:00:00Z');
      const reportOf = (dir: string, period: string) => JSON.parse(readFileSync(join(dir, FILES.report(period)), 'utf8')) as SixMonthReport;
      // A gift in the first half of 2025: that half-year's report only; the 2024 one is the last one's figures.
      await give(handle.db, world, { amountVnd: 4_000_000, receivedAt: '2025-03-05T03:00:00Z' });
      const march = await publishBoth(join(root, 'third'), 'march', april);
      expect([march.report.read.reports, march.fullReport.read.reports]).toEqual([1, 2]);
      const { ledger, ...figures } = reportOf(march.dir, '2024-h2');
      expect({ ...reportOf(join(root, 'third'), '2024-h2'), ledger }).toEqual({ ...figures, ledger });
      expect(ledger.entries).toBe(march.report.entries);
      // A gift received in 2024 and recorded late: the 2024 half-year's report only.
      await give(handle.db, world, { amountVnd: 5_000_000, receivedAt: '2024-11-05T03:00:00Z' });
      const late = await publishBoth(march.dir, 'late', april);
      expect(late.report.read.reports).toBe(1);
      // A house funded on a day in 2024, recorded now: every half-year from that day counts it.
      await advanceStage(handle.db, { houseId: world.houses[1]!.houseId, stage: 'funded', on: '2024-12-20', reason: 'Kinh phí của xã, ngoài sổ cái' });
      const funded = await publishBoth(late.dir, 'funded', april);
      expect(funded.report.read.reports).toBe(2);
      // Two donors merged (not a journal entry): every contributors list may change.
      const donorOf = async (amountVnd: number) => Number((await queryRows<{ donor_id: number | string }>(handle.db, sql`SELECT donor_id FROM contributions WHERE amount_vnd = ${amountVnd}`))[0]!.donor_id);
      await mergeDonors(handle.db, { fromId: await donorOf(777_000), intoId: await donorOf(2_500_000) });
      const merged = await publishBoth(funded.dir, 'merged', april);
      expect(merged.report.read.reports).toBe(2);
      expect(reportOf(merged.dir, '2024-h2').contributors.map((c) => c.totalVnd)).toContain(3_277_000);
      // A district's target set (not a journal entry either): every report names it.
      await queryRows(handle.db, sql`UPDATE areas SET target_houses = 40 WHERE code = 'T-D'`);
      const targeted = await publishBoth(merged.dir, 'targeted', april);
      expect(targeted.report.read.reports).toBe(2);
      expect(reportOf(targeted.dir, '2024-h2').areas.map((a) => a.targetHouses)).toEqual([40]);
      expect((await verifyDataset(targeted.dir, { key: signer.verifierKey })).fault).toBeUndefined();
    }, 600_000);

    it('is byte for byte the full publish of the same data, and verifies', async () => {
      const paths = filesUnder(second);
      expect(filesUnder(full)).toEqual(paths);
      for (const path of paths) expect(readFileSync(join(second, path)).equals(readFileSync(join(full, path))), path).toBe(true);
      const verified = await verifyDataset(second, { key: signer.verifierKey });
      expect(verified.fault).toBeUndefined();
      expect(verified.ok).toBe(true);
    });
  });
}
