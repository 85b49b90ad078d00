// What the public site's new views read, on one driver: a pending pledge found by its receipt code,
// "not found" as a 404, and the dataset's figures for houses still short, reversed gifts and each
// area's money, each checked against the journal itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { registerHouseProject } from '../../src/domain/houses';
import { seedDemoPhotos } from '../../src/domain/demo/photos';
import sharp from 'sharp';
import { createPledge } from '../../src/payments/pledges';
import { publishDataset } from '../../src/publish/export';
import { reportPeriods } from '../../src/publish/derived';
import type { SixMonthReport } from '../../src/staff/report';
import { FILES, type PublicArea, type PublicHouse, type Summary } from '../../src/publish/format';
import { lookupCode } from '../../src/publish/live';
import type { FreshDb } from './harness';
import { refusal } from '../refusal';

export function publicSiteSuite(driver: string, fresh: FreshDb): void {
  describe(`public site reads (${driver})`, () => {
    let handle: DbHandle;
    let dir: string;
    let shortCode: string;
    let photosStored = 0;
    const read = <T>(path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as T;
    const num = (v: unknown) => Number(v ?? 0);

    beforeAll(async () => {
      handle = await fresh();
      await loadDemo(handle, generateDemo(SMALL_DEMO));
      ({ publicCode: shortCode } = await registerHouseProject(handle.db, {
        campaignId: 1, areaId: 3, type: 'repair', minutesRef: '9/BB-BTTMT', approvedOn: '2025-10-20',
        household: { headFullName: 'Hoàng Văn Bình', povertyStatus: 'near_poor', housingNeed: 'area', members: 3 },
      }));
      dir = join(mkdtempSync(join(tmpdir(), 'ancu-public-site-')), 'data');
      process.env.PHOTOS_DIR = join(dir, '..', 'photos');
      photosStored = await seedDemoPhotos(handle.db, 3);
      await publishDataset(handle.db, dir, { now: new Date('2025-11-01T00:00:00Z') });
    });
    afterAll(async () => {
      await handle?.close();
      if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
    });

    it('draws labelled illustrative photos for each stage the first houses reached, and publishes them per stage', async () => {
      const houses = read<PublicHouse[]>(FILES.houses);
      const withPhotos = houses.filter((h) => h.stages.some((s) => s.photos.length > 0));
      expect(withPhotos).toHaveLength(3);
      const reached = withPhotos.flatMap((h) => h.stages.filter((s) => s.on !== null));
      expect(reached.every((s) => s.photos.length === 1)).toBe(true);
      expect(photosStored).toBe(reached.length);
      expect(withPhotos.flatMap((h) => h.stages.filter((s) => s.on === null && s.photos.length > 0))).toEqual([]);
      const file = join(dir, '..', 'photos', reached[0]!.photos[0]!.src.split('/').pop()!);
      const meta = await sharp(readFileSync(file)).metadata();
      expect(meta).toMatchObject({ format: 'jpeg', width: 960, height: 640 });
      expect(meta.exif).toBeUndefined();
    });

    it('publishes a six-monthly report per half-year of the campaign so far, naming only public donors', async () => {
      expect(reportPeriods('2024-07-19', '2025-12-31', '2025-03-02T10:00:00Z')).toEqual([
        { id: '2024-h2', from: '2024-07-19', to: '2024-12-31' }, { id: '2025-h1', from: '2025-01-01', to: '2025-06-30' },
      ]);
      const { reports } = read<Summary>(FILES.summary);
      expect(reports.map((p) => p.id)).toEqual(['2024-h2', '2025-h1', '2025-h2']);
      const anonymousOrState = await queryRows<{ name: string | null }>(handle.db, sql`SELECT display_name AS name FROM donors WHERE anonymous OR kind = 'state'`);
      const hidden = new Set(anonymousOrState.map((d) => d.name).filter(Boolean));
      let named = 0;
      for (const period of reports) {
        const report = read<SixMonthReport>(FILES.report(period.id));
        expect(report).toMatchObject({ from: period.from, to: period.to });
        expect(report.contributors.filter((c) => hidden.has(c.name) || c.name === 'Nhà hảo tâm')).toEqual([]);
        named += report.contributors.length;
      }
      expect(named).toBeGreaterThan(10);
    });

    it('finds a pledge still waiting for its transfer by its receipt code, without the private email', async () => {
      const { pledge } = await createPledge(handle.db, {
        target: { type: 'house', houseCode: shortCode }, amountVnd: 750_000, displayName: 'Chị Lan', anonymous: false, email: 'lan@example.vn', method: 'bank_transfer',
      });
      const found = await lookupCode(handle.db, { code: ` ${pledge.receiptCode.toLowerCase()} ` });
      expect(found).toEqual({
        status: 'pledged',
        pledge: {
          receipt_code: pledge.receiptCode, status: 'pending', method: 'bank_transfer', amount_vnd: 750_000, target: 'house',
          house_code: shortCode, commune_name: expect.any(String), donor: 'Chị Lan', created_at: pledge.createdAt.toISOString(),
        },
      });
      expect(JSON.stringify(found)).not.toContain('lan@example.vn');
      const anonymous = await createPledge(handle.db, { target: { type: 'general' }, amountVnd: 50_000, displayName: null, anonymous: true, email: null, method: 'bank_transfer' });
      const hidden = await lookupCode(handle.db, { code: anonymous.pledge.receiptCode });
      expect(hidden.status === 'pledged' && hidden.pledge.donor).toBe('Nhà hảo tâm');
    });

    it('follows a confirmed gift through the journal, and says "not found" (404) for a code nobody has', async () => {
      const [gift] = await queryRows<{ receipt_code: string }>(handle.db, sql`SELECT receipt_code FROM contributions WHERE kind = 'cash' ORDER BY id LIMIT 1`);
      const found = await lookupCode(handle.db, { code: gift!.receipt_code });
      expect(found.status).toBe('confirmed');
      expect(found.status === 'confirmed' && found.gift.contribution.receipt_code).toBe(gift!.receipt_code);
      const missing = await refusal(() => lookupCode(handle.db, { code: 'ACNOTREAL2' }));
      expect(missing).toMatchObject({ status: 404, code: 'not_found', message: expect.stringMatching(/^Không tìm thấy mã biên nhận ACNOTREAL2\./) });
      expect(missing.messageEn).toMatch(/^No gift has receipt code ACNOTREAL2\./);
      const malformed = await refusal(() => lookupCode(handle.db, { code: '<script>' }));
      expect(malformed.status).toBe(400);
    });

    it('publishes the houses still short of money, with what they lack, matching the house rows', async () => {
      const summary = read<Summary>(FILES.summary);
      const [db] = await queryRows(handle.db, sql`SELECT count(*) FILTER (WHERE budget_vnd > allocated_vnd) AS n, coalesce(sum(budget_vnd - allocated_vnd), 0) AS lacking FROM houses`);
      expect(summary.short_of_money).toEqual({ houses: num(db!.n), remaining_vnd: num(db!.lacking) });
      expect(summary.short_of_money.houses).toBeGreaterThanOrEqual(1);
      const house = read<PublicHouse[]>(FILES.houses).find((h) => h.code === shortCode)!;
      expect(house).toMatchObject({ poverty_status: 'near_poor', housing_need: 'area', remaining_vnd: house.budget_vnd });
    });

    it('counts the ledger rows by kind and the reversed ones, as the journal has them', async () => {
      const { ledger } = read<Summary>(FILES.summary);
      const kinds = await queryRows<{ kind: string; n: string | number }>(handle.db, sql`SELECT kind, count(*) AS n FROM contributions GROUP BY kind`);
      expect(ledger.by_kind).toEqual({ cash: 0, in_kind: 0, labour: 0, state_budget: 0, ...Object.fromEntries(kinds.map((k) => [k.kind, num(k.n)])) });
      const [reversed] = await queryRows(handle.db, sql`
        SELECT count(*) AS n, coalesce(sum(c.amount_vnd), 0) AS amount FROM contributions c
        JOIN journal_entries e ON e.contribution_id = c.id AND e.kind <> 'reversal' JOIN journal_entries r ON r.reverses_entry_id = e.id`);
      expect(num(reversed!.n)).toBeGreaterThan(0);
      expect(ledger.reversed).toEqual({ count: num(reversed!.n), amount_vnd: num(reversed!.amount) });
    });

    it("gives each area its money: commune pools from the journal, sources adding up to what was allocated, districts summing their communes", async () => {
      const areas = read<PublicArea[]>(FILES.areas);
      const pools = await queryRows<{ area_id: number; held: string | number }>(handle.db, sql`
        SELECT area_id, -sum(amount_vnd) AS held FROM journal_lines WHERE account = 'pool_commune' GROUP BY area_id`);
      const heldBy = new Map(pools.map((p) => [Number(p.area_id), num(p.held)]));
      for (const area of areas) {
        const f = area.funding;
        expect(f.state_budget_vnd + f.designated_vnd + f.pooled_vnd + f.in_kind_vnd, area.code).toBe(area.allocated_vnd);
        expect(area.remaining_vnd, area.code).toBe(area.budget_vnd - area.allocated_vnd);
        if (area.level === 'commune') expect(area.pool_vnd, area.code).toBe(heldBy.get(area.id) ?? 0);
        const children = areas.filter((c) => c.parent_code === area.code);
        if (children.length === 0) continue;
        for (const key of ['received_vnd', 'received_count', 'pool_vnd', 'budget_vnd', 'allocated_vnd'] as const) {
          expect(children.reduce((s, c) => s + c[key], 0), `${area.code} ${key}`).toBe(area[key]);
        }
      }
      const province = areas.find((a) => a.level === 'province')!;
      const [given] = await queryRows(handle.db, sql`
        SELECT count(*) AS n, coalesce(sum(c.amount_vnd), 0) AS amount FROM contributions c
        JOIN journal_entries e ON e.contribution_id = c.id AND e.kind <> 'reversal'
        WHERE c.kind = 'cash' AND c.target_area_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id)`);
      expect(province.received_count).toBe(num(given!.n));
      expect(province.received_vnd).toBe(num(given!.amount));
      expect(province.pool_vnd).toBe(read<Summary>(FILES.summary).totals.commune_pools_vnd);
    });
  });
}
