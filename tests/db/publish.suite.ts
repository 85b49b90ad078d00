// Publishing the open dataset, and the live search and lookup, on one driver: the small demo is
// loaded once, published once, and everything after only reads.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { campaignTotals } from '../../src/domain/totals';
import { sixMonthReport } from '../../src/staff/report';
import { generateDemo, SMALL_DEMO, type DemoData } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import type { PostedEntry } from '../../src/ledger/entry';
import { publishDataset, type PublishReport } from '../../src/publish/export';
import { FILES, type Checkpoint, type HouseDetail, type PublicArea, type PublicContribution, type PublicHouse, type Summary } from '../../src/publish/format';
import { lookupReceipt, searchContributions } from '../../src/publish/live';
import { photosOfHouses } from '../../src/publish/photos';
import { storePhoto } from '../../src/staff/photos';
import { verifyDataset } from '../../src/publish/verify-dataset';
import { CASH_BOOK_FILES, type CashBookIndex, type CashBookRow } from '../../src/publish/cash-book';
import { filterCashBook } from '../../src/publish/cash-book-live';
import { generatePrivateKey, signerFromPrivateKey } from '../../src/publish/tlog/signer';
import { forgeWithKey } from './forge';
import type { FreshDb } from './harness';
import { privateValues, scanForPrivateValues } from './privacy';
import { refusal } from '../refusal';



export function publishSuite(driver: string, fresh: FreshDb): void {
  describe(`open dataset and live reads (${driver})`, () => {
    let handle: DbHandle;
    let demo: DemoData;
    /** The journal as loaded: the demo's entries sealed with their records' commitments. */
    let journal: PostedEntry[];
    let dir: string;
    let report: PublishReport;
    let photoHouseId = 0;
    const photoNames: string[] = [];
    const read = <T>(path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as T;

    beforeAll(async () => {
      handle = await fresh();
      demo = generateDemo(SMALL_DEMO);
      journal = await loadDemo(handle, demo);
      // Photos of a stage, stored (and committed) as the staff workspace stores them; the files are not part of the dataset.
      const [house] = await handle.db.select({ id: schema.houses.id }).from(schema.houses).orderBy(asc(schema.houses.id)).limit(1);
      dir = join(mkdtempSync(join(tmpdir(), 'ancu-publish-')), 'data');
      process.env.PHOTOS_DIR = join(dir, '..', 'photos');
      for (const [width, height] of [[1600, 1200], [900, 1600]] as const) {
        photoNames.push((await storePhoto(handle.db, { houseId: house!.id, stage: 'funded', photo: { data: Buffer.from(`${width}x${height}`), width, height }, createdBy: 'thu' })).storedName);
      }
      photoHouseId = house!.id;
      report = await publishDataset(handle.db, dir, { now: new Date('2025-11-01T00:00:00Z') });
    }, 300_000);
    afterAll(async () => {
      await handle?.close();
      if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
    });

    it('publishes every entry, contribution and house, and the dataset verifies without the database', async () => {
      // The loaded journal, then one record entry per photo stored.
      const entries = journal.length + photoNames.length;
      const [head] = await handle.db.select().from(schema.chainHead);
      expect(report).toMatchObject({ entries, contributions: demo.contributions.length, houses: demo.houses.length, headHash: head!.headHash });
      const verified = await verifyDataset(dir);
      expect(verified.fault).toBeUndefined();
      expect(verified).toMatchObject({ ok: true, entries });
    });

    it("puts each stage's photos, oldest first, in the house record and the live lookup", async () => {
      const houses = read<PublicHouse[]>(FILES.houses);
      const withPhotos = houses.filter((h) => h.stages.some((st) => st.photos.length > 0));
      expect(withPhotos.map((h) => h.id)).toEqual([photoHouseId]);
      const stagesOfHouse = withPhotos[0]!.stages;
      expect(stagesOfHouse.find((st) => st.stage === 'funded')!.photos).toEqual([
        { src: `/photos/${photoNames[0]}`, width: 1600, height: 1200 },
        { src: `/photos/${photoNames[1]}`, width: 900, height: 1600 },
      ]);
      expect(stagesOfHouse.filter((st) => st.stage !== 'funded').every((st) => st.photos.length === 0)).toBe(true);
      const live = await photosOfHouses(handle.db, [photoHouseId, photoHouseId + 1]);
      expect([...live.keys()]).toEqual([photoHouseId]);
      expect(live.get(photoHouseId)!.get('funded')!.map((p) => p.src)).toEqual(photoNames.map((n) => `/photos/${n}`));
    });

    it('gives the same totals as the ledger', async () => {
      const checkpoint = read<Checkpoint>(FILES.checkpoint);
      const summary = read<Summary>(FILES.summary);
      const totals = await campaignTotals(handle.db, 1);
      expect(checkpoint).toMatchObject({ entry_count: totals.entries, head_hash: totals.headHash });
      expect(checkpoint.totals).toMatchObject({
        cash_received_vnd: totals.cashVnd, state_budget_vnd: totals.stateBudgetVnd, in_kind_vnd: totals.inKindVnd,
        labour_estimate_vnd: totals.labourEstimateVnd, allocated_vnd: totals.allocatedVnd, disbursed_vnd: totals.disbursedVnd,
        general_pool_vnd: totals.generalPoolVnd, commune_pools_vnd: totals.communePoolsVnd,
      });
      expect(summary.totals).toMatchObject({ cash_contributions: totals.cashContributions, labour_person_days: totals.labourPersonDays });
      expect(summary.houses_by_stage).toEqual(totals.houses);
      expect(summary.monthly.reduce((s, m) => s + m.amount_vnd, 0)).toBe(totals.cashVnd);
      // The six-monthly report over the whole life of the ledger gives the same headline figures.
      const { province } = await sixMonthReport(handle.db, '2000-01-01', '2099-12-31');
      expect(province.money).toMatchObject({
        cashDonationsVnd: totals.cashVnd - checkpoint.totals.card_fees_vnd, cardFeesVnd: checkpoint.totals.card_fees_vnd,
        stateBudgetVnd: totals.stateBudgetVnd, inKindVnd: totals.inKindVnd, labourEstimateVnd: totals.labourEstimateVnd,
        labourPersonDays: totals.labourPersonDays, disbursedVnd: totals.disbursedVnd, allocatedCashVnd: checkpoint.totals.cash_allocated_vnd,
        statePaidVnd: checkpoint.totals.state_paid_vnd,
      });
      expect(checkpoint.totals.state_paid_vnd).toBeGreaterThan(0);
      expect(province.money.stateBudgetVnd + province.money.inKindVnd + province.money.allocatedCashVnd).toBe(totals.allocatedVnd);
      expect(Object.values(province.money.cashByChannel).reduce((a, b) => a + b, 0)).toBe(province.money.cashDonationsVnd);
      expect(province.toDate.handedOver).toBe(totals.houses.handed_over);
    });

    it("lists, for each house, every gift that funded it, adding up to the ledger's house lines", async () => {
      const houses = read<PublicHouse[]>(FILES.houses);
      const ledger = await queryRows<{ house_id: number; account: string; contribution_id: number; amount: string | number }>(handle.db, sql`
        SELECT house_id, account, contribution_id, -sum(amount_vnd) AS amount FROM journal_lines
        WHERE account IN ('house_cash', 'house_in_kind', 'house_state', 'house_labour') GROUP BY 1, 2, 3 HAVING sum(amount_vnd) <> 0`);
      const receipts = new Map(demo.contributions.map((c) => [c.id, c.receiptCode]));
      let pooledHouses = 0;
      for (const house of houses) {
        const detail = read<HouseDetail>(FILES.house(house.code));
        const expected = ledger.filter((l) => Number(l.house_id) === house.id).map((l) => `${receipts.get(Number(l.contribution_id))} ${Number(l.amount)}`).sort();
        const published = Object.entries(detail.funders.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.receipt_code]: (acc[f.receipt_code] ?? 0) + f.amount_vnd }), {}))
          .map(([code, amount]) => `${code} ${amount}`).sort();
        expect(published, house.code).toEqual(expected);
        const dbHouse = demo.houses.find((h) => h.id === house.id)!;
        const f = house.funding;
        expect(f.state_budget_vnd + f.designated_vnd + f.pooled_vnd + f.in_kind_vnd, house.code).toBe(dbHouse.allocatedVnd);
        if (f.pooled_vnd > 0) pooledHouses++;
      }
      expect(pooledHouses).toBeGreaterThan(10);
    });

    it('shows a state-funded handed-over house its state support paid, and every paid figure split by source', async () => {
      const houses = read<PublicHouse[]>(FILES.houses);
      const stateFunded = houses.filter((h) => h.stage === 'handed_over' && h.funding.state_budget_vnd > 0);
      expect(stateFunded.length).toBeGreaterThan(0);
      for (const house of stateFunded) {
        expect(house.paid.state_budget_vnd, house.code).toBe(house.funding.state_budget_vnd);
        const detail = read<HouseDetail>(FILES.house(house.code));
        expect(detail.state_payments.map((p) => [p.document_ref, p.amount_vnd]), house.code).toEqual([[`UNC-${house.code}`, house.funding.state_budget_vnd]]);
      }
      for (const house of houses) {
        expect(house.paid, house.code).toEqual({
          cash_vnd: house.disbursed_vnd, state_budget_vnd: house.paid.state_budget_vnd, in_kind_vnd: house.funding.in_kind_vnd,
          total_vnd: house.disbursed_vnd + house.paid.state_budget_vnd + house.funding.in_kind_vnd,
        });
      }
      const sum = (pick: (h: PublicHouse) => number) => houses.reduce((total, h) => total + pick(h), 0);
      const summary = read<Summary>(FILES.summary);
      expect(summary.totals.state_paid_vnd).toBe(sum((h) => h.paid.state_budget_vnd));
      expect(summary.totals.paid_total_vnd).toBe(sum((h) => h.paid.total_vnd));
      expect(summary.totals.paid_total_vnd).toBe(summary.totals.disbursed_vnd + summary.totals.state_paid_vnd + summary.totals.in_kind_given_vnd);
      // Like with like: what was allocated from the state budget is what its paid figure is measured against.
      expect(summary.totals.state_paid_vnd).toBeLessThanOrEqual(summary.totals.state_budget_vnd);
      const province = read<PublicArea[]>(FILES.areas).find((a) => a.level === 'province')!;
      expect(province.paid).toEqual({ cash_vnd: sum((h) => h.paid.cash_vnd), state_budget_vnd: summary.totals.state_paid_vnd, in_kind_vnd: sum((h) => h.paid.in_kind_vnd), total_vnd: summary.totals.paid_total_vnd });
      const csv = readFileSync(join(dir, FILES.housesCsv), 'utf8').split('\n');
      const header = csv[0]!.split(',');
      const row = csv.find((line) => line.startsWith(`${stateFunded[0]!.code},`))!.split(',');
      expect(Number(row[header.indexOf('state_paid_vnd')])).toBe(stateFunded[0]!.paid.state_budget_vnd);
      expect(Number(row[header.indexOf('paid_total_vnd')])).toBe(stateFunded[0]!.paid.total_vnd);
    });

    it("filters the two-sided sao kê by house and commune: the month pages' rows, balances included; a filter names a commune or a house", async () => {
      const [paid] = await queryRows<{ code: string; commune: string }>(handle.db, sql`
        SELECT h.public_code AS code, a.code AS commune FROM disbursements d JOIN houses h ON h.id = d.house_id JOIN areas a ON a.id = h.area_id
        WHERE d.status = 'approved' ORDER BY d.id LIMIT 1`);
      const byHouse = await filterCashBook(handle.db, { tk: 'ngan-hang', nha: paid!.code });
      expect(byHouse.rows.length).toBeGreaterThan(0);
      expect(byHouse.rows.every((r) => r.house_code === paid!.code)).toBe(true);
      expect(byHouse.out_vnd).toBe(byHouse.rows.reduce((sum, r) => sum + r.out_vnd, 0));
      // Each row is the month page's row, balance and all.
      const index = read<CashBookIndex>(CASH_BOOK_FILES.index);
      const months = index.accounts.find((a) => a.account === 'cash_bank')!.months;
      const published = months.flatMap((m) => Array.from({ length: m.pages }, (_, i) => read<CashBookRow[]>(CASH_BOOK_FILES.page('cash_bank', m.month, i + 1))).flat());
      const onPages = new Map(published.map((r) => [`${r.entry_id}`, r]));
      for (const row of byHouse.rows) expect(row).toEqual(onPages.get(`${row.entry_id}`));
      const month = byHouse.rows[0]!.occurred_at.slice(0, 7);
      const byCommune = await filterCashBook(handle.db, { tk: 'ngan-hang', xa: paid!.commune, thang: month });
      expect(byCommune.rows.length).toBeGreaterThan(0);
      expect(byCommune.rows.every((r) => r.area_code === paid!.commune)).toBe(true);
      expect(byCommune.rows.every((r) => published.some((p) => p.entry_id === r.entry_id && p.balance_vnd === r.balance_vnd))).toBe(true);
      expect((await refusal(() => filterCashBook(handle.db, { tk: 'ngan-hang' }))).code).toBe('invalid_query');
      expect((await refusal(() => filterCashBook(handle.db, { tk: 'ngan-hang', nha: paid!.code, sql: '1' }))).code).toBe('invalid_query');
    });

    it('verify-dataset recomputes the cash book from the chain: a forged row, balance, month total, CSV line or goods row is caught, even re-signed', async () => {
      const signer = signerFromPrivateKey(generatePrivateKey('an-cu.test/journal'));
      const signed = join(dir, '..', 'signed');
      await publishDataset(handle.db, signed, { signer, now: new Date('2025-11-01T00:00:00Z') });
      const good = await verifyDataset(signed, { key: signer.verifierKey });
      expect(good.fault).toBeUndefined();
      const index = JSON.parse(readFileSync(join(signed, CASH_BOOK_FILES.index), 'utf8')) as CashBookIndex;
      const bankMonths = index.accounts.find((a) => a.account === 'cash_bank')!.months;
      const lines = bankMonths.reduce((sum, m) => sum + m.rows, 0);
      expect(good.checked.join('\n')).toMatch(/cash book: [\d,]+ cash lines on \d+ account months .* against the journal, and [\d,]+ goods and labour gifts against their records/);
      expect(lines).toBeGreaterThan(0);
      // The first bank row (in page order) a predicate picks, with its page.
      const pages = bankMonths.flatMap((m) => Array.from({ length: m.pages }, (_, i) => CASH_BOOK_FILES.page('cash_bank', m.month, i + 1)));
      const find = (pick: (row: CashBookRow) => boolean) => {
        for (const page of pages) {
          const at = (JSON.parse(readFileSync(join(signed, page), 'utf8')) as CashBookRow[]).findIndex(pick);
          if (at >= 0) return { page, at };
        }
        throw new Error('no such row');
      };
      // A row edited as the publisher writes it (same bytes but the change).
      const editRow = (pick: (row: CashBookRow) => boolean, edit: (row: CashBookRow) => void) => {
        const { page, at } = find(pick);
        const entry = (JSON.parse(readFileSync(join(signed, page), 'utf8')) as CashBookRow[])[at]!.entry_id;
        return { file: page, entry, edit: (t: string) => {
          const rows = JSON.parse(t) as CashBookRow[];
          edit(rows[at]!);
          return `${JSON.stringify(rows)}\n`;
        } };
      };
      const first = (JSON.parse(readFileSync(join(signed, pages[0]!), 'utf8')) as CashBookRow[])[0]!;
      const csv = CASH_BOOK_FILES.csv('cash_bank', bankMonths[0]!.month);
      const units = CASH_BOOK_FILES.units('in_kind', 1);
      const gift = (JSON.parse(readFileSync(join(signed, units), 'utf8')) as PublicContribution[])[0]!;
      const otherHouse = read<PublicHouse[]>(FILES.houses).at(-1)!.code;
      const cases: { file: string; edit: (text: string) => string; reason: RegExp; entry: number | null }[] = [
        { ...editRow((r) => r.in_vnd > 0, (r) => { r.in_vnd += 1; }), reason: /in_vnd is \d+, the chain gives/ },
        { ...editRow((r) => r.out_vnd > 0, (r) => { r.description = 'Chi mua vật liệu'; }), reason: /description is "Chi mua vật liệu", the chain gives/ },
        { ...editRow((r) => r.in_vnd > 0, (r) => { r.balance_vnd -= 1; }), reason: /balance_vnd is \d+, the chain gives/ },
        { ...editRow((r) => r.receipt_code !== null, (r) => { r.receipt_code = 'AC-FORGED'; }), reason: /receipt_code is "AC-FORGED", the chain gives/ },
        { ...editRow((r) => r.house_code !== null && r.house_code !== otherHouse, (r) => { r.house_code = otherHouse; }), reason: /house_code is ".*", the chain gives/ },
        { ...editRow((r) => r.area_code !== null, (r) => { r.area_code = 'BK-XX-99'; }), reason: /area_code is "BK-XX-99", the chain gives/ },
        { ...editRow((r) => r.out_vnd > 0, (r) => { r.entry_id = first.entry_id; }), entry: first.entry_id, reason: /row \d+: entry #\d+'s line on cash_bank is shown more often than the journal has it/ },
        { file: CASH_BOOK_FILES.index, edit: (t) => t.replace(/"out_vnd":(\d+)/, (_, n: string) => `"out_vnd":${Number(n) + 1}`), reason: /cash_bank \d{4}-\d{2}: out_vnd is \d+, the chain gives/, entry: null },
        { file: CASH_BOOK_FILES.index, edit: (t) => t.replace(/"closing_vnd":(\d+)/, (_, n: string) => `"closing_vnd":${Number(n) - 1}`), reason: /closing_vnd is \d+, the chain gives/, entry: null },
        { file: csv, edit: (t) => t.replace(`,${first.in_vnd},`, `,${first.in_vnd + 1},`), reason: /line 2 \(entry #\d+\) is ".*", the chain gives/, entry: first.entry_id },
        { file: csv, edit: (t) => `${t}2024-01-01T00:00:00.000Z,1,contribution,X,,,,1,0,1\r\n`, reason: /a row no page lists/, entry: null },
        { file: units, edit: (t) => t.replace(JSON.stringify(gift.donor), '"Người khác"'), reason: /contribution .* shows .*"Người khác".*the committed record says/, entry: gift.entry_id },
        { file: units, edit: (t) => `${JSON.stringify((JSON.parse(t) as PublicContribution[]).slice(1))}\n`, reason: /on no in_kind page/, entry: gift.entry_id },
      ];
      for (const { file, edit, reason, entry } of cases) {
        for (const redone of [false, true]) {
          const forged = join(dir, '..', `forged-${file.replace(/\W/g, '_')}-${redone}`);
          cpSync(signed, forged, { recursive: true });
          writeFileSync(join(forged, file), edit(readFileSync(join(forged, file), 'utf8')));
          if (redone) forgeWithKey(forged, signer, [file]);
          const report = await verifyDataset(forged, { key: signer.verifierKey });
          expect(report.ok, `${file} ${redone}`).toBe(false);
          if (!redone) expect(report.fault?.reason, file).toMatch(/SHA-256/);
          else {
            expect(report.fault, file).toMatchObject({ reason: expect.stringMatching(reason), file });
            if (entry !== null) expect(report.fault?.entryId, `${file} ${reason}`).toBe(entry);
          }
          rmSync(forged, { recursive: true, force: true });
        }
      }
    }, 300_000);

    it('contains no private value of the seeded data', async () => {
      const values = await privateValues(handle.db);
      expect(values.digits.size + values.emails.size).toBeGreaterThan(500);
      expect(values.texts.length).toBeGreaterThan(40);
      const { hits, files } = scanForPrivateValues(dir, values);
      expect(files).toBeGreaterThan(60);
      expect(hits).toEqual([]);
    });

    it('the scan would catch a leak', async () => {
      const values = await privateValues(handle.db);
      const leaky = mkdtempSync(join(tmpdir(), 'ancu-leak-'));
      const household = (await queryRows<{ national_id: string; address: string }>(handle.db, sql`SELECT national_id, address FROM households LIMIT 1`))[0]!;
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(leaky, 'page.html'), `<td>x${household.national_id}y</td><p>${household.address}</p>`);
      expect(scanForPrivateValues(leaky, values).hits).toHaveLength(2);
      rmSync(leaky, { recursive: true, force: true });
    });

    it('searches by accent-free name, receipt code, amount and dates, newest first', async () => {
      const page = read<PublicContribution[]>(FILES.ledgerPage(2));
      const named = page.find((c) => c.donor !== 'Nhà hảo tâm' && c.donor_kind === 'individual')!;
      const byName = await searchContributions(handle.db, { q: named.donor.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/Đ/g, 'D').replace(/đ/g, 'd').toUpperCase() });
      expect(byName.total).toBeGreaterThan(0);
      expect(byName.results.every((r) => r.donor === named.donor || r.donor.includes(named.donor))).toBe(true);
      expect(byName.results.map((r) => r.id)).toEqual([...byName.results.map((r) => r.id)].sort((a, b) => b - a));

      const byCode = await searchContributions(handle.db, { code: named.receipt_code.toLowerCase() });
      expect(byCode.results).toEqual([named]);

      const byAmountAndDay = await searchContributions(handle.db, { amount: named.amount_vnd.toLocaleString('de-DE'), from: '2024-07-01', to: '2025-12-31' });
      expect(byAmountAndDay.results.every((r) => r.amount_vnd === named.amount_vnd)).toBe(true);
      expect(byAmountAndDay.total).toBe(demo.contributions.filter((c) => c.amountVnd === named.amount_vnd).length);
      const sameDay = await searchContributions(handle.db, { from: '2024-08-15', to: '2024-08-15' });
      expect(sameDay.total).toBe(demo.contributions.filter((c) => new Date(c.receivedAt.getTime() + 7 * 3_600_000).toISOString().startsWith('2024-08-15')).length);
    });

    it('never finds an anonymous donor by name, and shows them as "Nhà hảo tâm"', async () => {
      const anonymous = demo.donors.find((d) => d.anonymous)!;
      const gift = demo.contributions.find((c) => c.donorId === anonymous.id)!;
      const [found] = (await searchContributions(handle.db, { code: gift.receiptCode })).results;
      expect(found!.donor).toBe('Nhà hảo tâm');
      expect((await searchContributions(handle.db, { q: 'Nhà hảo tâm' })).total).toBe(0);
    });

    it('refuses bad search parameters with a clear message in each language, before any query', async () => {
      for (const [params, fragment] of [
        [{}, 'ít nhất một điều kiện'],
        [{ foo: '1', q: 'an' }, 'foo: tham số không được hỗ trợ'],
        [{ amount: 'abc' }, 'amount: Số tiền phải là số'],
        [{ amount: '-5' }, 'amount: Số tiền phải lớn hơn 0'],
        [{ from: '2025-02-30' }, 'from: Ngày không tồn tại'],
        [{ from: '2025-03-01', to: '2025-02-01' }, 'Ngày bắt đầu phải trước ngày kết thúc'],
        [{ q: 'a' }, 'q: Tên cần ít nhất 2 ký tự'],
        [{ code: "AC'; DROP TABLE x" }, 'code: Mã biên nhận chỉ gồm'],
        [{ q: 'an', page: '0' }, 'page:'],
      ] as const) {
        const error = await refusal(() => searchContributions(handle.db, params));
        expect(error.status, JSON.stringify(params)).toBe(400);
        expect(error.message, JSON.stringify(params)).toContain(fragment);
        expect(error.messageEn).not.toMatch(/[ạảấầậắằặẹẻếềệịọỏốồộớờợụủứừựỳỵỷỹđ]/);
      }
    });

    it('follows a receipt to its entry and to the houses its pooled money went to', async () => {
      const pooled = await queryRows<{ receipt_code: string; contribution_id: number }>(handle.db, sql`
        SELECT c.receipt_code, c.id AS contribution_id FROM contributions c
        WHERE c.target_type = 'general' AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.contribution_id = c.id AND l.account = 'house_cash') LIMIT 1`);
      const { receipt_code: code, contribution_id: id } = pooled[0]!;
      const found = await lookupReceipt(handle.db, { code });
      expect(found.contribution.receipt_code).toBe(code);
      expect(found.entry!.hash).toBe(journal.find((e) => e.contributionId === Number(id) && e.kind === 'contribution')!.hash);
      const lines = demo.entries.flatMap((e) => e.lines).filter((l) => l.contributionId === Number(id) && l.account === 'house_cash');
      expect(found.houses.reduce((s, h) => s + h.amount_vnd, 0)).toBe(-lines.reduce((s, l) => s + l.amountVnd, 0));
      expect(found.houses.every((h) => h.via === 'pool' && h.stages.length === 5)).toBe(true);
      const ledgerPage = read<PublicContribution[]>(FILES.ledgerPage(found.ledger_page));
      expect(ledgerPage.map((c) => c.receipt_code)).toContain(code);

      expect((await refusal(() => lookupReceipt(handle.db, { code: 'ACZZZZZZZZ' }))).status).toBe(404);
      expect((await refusal(() => lookupReceipt(handle.db, { code: 'A' }))).status).toBe(400);
      expect((await refusal(() => lookupReceipt(handle.db, {}))).messageEn).toContain('A receipt code is required');
    });
  });
}
