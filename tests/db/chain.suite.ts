// The public record is the chain, on one driver: the SQL rendering of the canonical form equals the
// TypeScript one; a published value changed behind the application's back in any table is caught by
// ledger:verify naming the entry; a published file changed (even with its hash and signature redone)
// is caught by ledger:verify-dataset and the standalone verifier.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, schema, type DbHandle } from '../../db/client';
import { allocateFromPool } from '../../src/domain/allocations';
import { decideDisbursement, proposeDisbursement } from '../../src/domain/disbursements';
import { backfillRecords, giveHeadNameConsent, sqlRecord, withdrawDonorName, withdrawHeadNameConsent } from '../../src/domain/public-records';
import { advanceStage, registerHouseProject } from '../../src/domain/houses';
import { reverseEntry } from '../../src/domain/corrections';
import { storePhoto } from '../../src/staff/photos';
import { publicRecord, RECORD_FIELDS, type FlatRecordKind, type RecordValues } from '../../src/ledger/public-record';
import { verifyLedger } from '../../src/domain/verify';
import { canonicalJson, canonicalTailOf, lineJson } from '../../src/ledger/canonical';
import { publishDataset } from '../../src/publish/export';
import { CASH_BOOK_FILES, type CashBookIndex } from '../../src/publish/cash-book';
import { FILES } from '../../src/publish/format';
import { generatePrivateKey, signerFromPrivateKey } from '../../src/publish/tlog/signer';
import { verifyDataset } from '../../src/publish/verify-dataset';
import { forgeWithKey } from './forge';
import type { FreshDb } from './harness';
import { buildWorld, give, nextKey, type World } from './world';

const run = promisify(execFile);

// Text Postgres can hold (no NUL), from every plane, short or long.
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\t', '\u0001', '\u001f', '\u007f', '\u2028', 'ư', '₫', '😀', '/', '<'), maxLength: 30 }),
  fc.string({ unit: 'binary', minLength: 2000, maxLength: 6000 }),
).map((s) => s.replace(/\0/g, ''));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const id = fc.integer({ min: 1, max: 2_147_483_647 });
const vnd = fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)).filter((n) => n !== 0);
const when = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59.999Z'), noInvalidDate: true });

export function chainSuite(driver: string, fresh: FreshDb): void {
  describe(`the public record is the chain (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    let allocationEntry: number;
    let disbursementEntry: number;
    const giftEntries: number[] = [];
    let root: string;
    let published: string;
    const signer = signerFromPrivateKey(generatePrivateKey('an-cu.test/journal'));

    beforeAll(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db, 2);
      for (let i = 0; i < 3; i++) {
        const gift = await give(handle.db, world, { amountVnd: 20_000_000, donor: { kind: 'individual', displayName: `Người ${i}` } });
        giftEntries.push(gift.result.entryId);
      }
      const house = world.houses[0]!;
      const allocated = await allocateFromPool(handle.db, {
        idempotencyKey: nextKey('alloc'), houseId: house.houseId, fromAreaId: null, amountVnd: 25_000_000,
        decisionRef: 'QĐ 12/2024 "Ban vận động"', createdBy: 'can.bo', occurredAt: '2024-09-02T00:00:00Z',
      });
      allocationEntry = allocated.result.entryId;
      const proposed = await proposeDisbursement(handle.db, {
        idempotencyKey: nextKey('pay'), houseId: house.houseId, amountVnd: 10_000_000, purpose: 'Mua xi măng, gạch đợt 1', recordedBy: 'can.bo', recordedAt: '2024-09-03T00:00:00Z',
      });
      const decided = await decideDisbursement(handle.db, {
        idempotencyKey: nextKey('ok'), disbursementId: proposed.result.disbursementId, decidedBy: 'duyet', decidedAt: '2024-09-04T00:00:00Z', approve: true,
      });
      disbursementEntry = decided.result.entryId!;
      root = mkdtempSync(join(tmpdir(), 'ancu-chain-'));
      published = join(root, 'data');
      await publishDataset(handle.db, published, { signer, now: new Date('2025-01-01T00:00:00Z') });
    }, 300_000);
    afterAll(async () => {
      await handle?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('the SQL rendering of an entry equals the canonical module on random entries (unicode, long texts, nulls)', async () => {
      await fc.assert(fc.asyncProperty(
        fc.record({
          kind: text, occurredAt: when, description: text, contributionId: maybe(id), reversesEntryId: maybe(id), reason: maybe(text),
          commitment: maybe(fc.stringMatching(/^[0-9a-f]{64}$/)),
          lines: fc.array(fc.tuple(text, maybe(id), maybe(id), maybe(id), vnd), { maxLength: 4 }),
        }),
        async (e) => {
          const linesJson = e.lines.map((l) => lineJson(...l)).join(',');
          const expected = canonicalTailOf({ ...e, occurredAtIso: e.occurredAt.toISOString(), linesJson });
          const [row] = await queryRows<{ tail: string }>(handle.db, sql`SELECT ledger_canonical_tail(${e.kind}, ${e.occurredAt.toISOString()}::timestamptz,
            ${e.description}, ${e.contributionId}::integer, ${e.reversesEntryId}::bigint, ${e.reason}::text, ${e.commitment}::text, ${linesJson || null}::text) AS tail`);
          expect(row!.tail).toBe(expected);
          expect(JSON.parse(`{"id":1,${expected}`)).toMatchObject({ description: e.description, reason: e.reason });
        },
      ), { numRuns: 150 });
    }, 120_000);

    it('the SQL rendering of a public record equals canonicalJson (RFC 8785) on random values', async () => {
      await fc.assert(fc.asyncProperty(maybe(vnd), maybe(text), maybe(text), maybe(text), async (amount, decision, code, pool) => {
        const record = sqlRecord('allocation', { amount_vnd: '$1', decision_ref: '$2', house_code: '$3', pool_key: '$4' })
          .replace(/\$(\d)/g, (_, n: string) => `v.c${n}`);
        const [row] = await queryRows<{ body: string }>(handle.db, sql`SELECT ${sql.raw(record)} AS body
          FROM (SELECT ${amount}::bigint AS c1, ${decision}::text AS c2, ${code}::text AS c3, ${pool}::text AS c4) v`);
        expect(row!.body).toBe(canonicalJson({ amount_vnd: amount, decision_ref: decision, house_code: code, pool_key: pool }));
      }), { numRuns: 150 });
    }, 120_000);

    it('every allocation and payment commits to its public record, and the chain verifies', async () => {
      const rows = await queryRows<{ id: string | number; commitment: string; salt: string; body: string }>(handle.db, sql`
        SELECT e.id, e.commitment, r.salt, r.body FROM journal_entries e JOIN public_records r ON r.entry_id = e.id
        WHERE r.kind IN ('allocation', 'disbursement') ORDER BY e.id`);
      expect(rows.map((r) => Number(r.id))).toEqual([allocationEntry, disbursementEntry]);
      for (const r of rows) expect(createHash('sha256').update(r.salt + r.body).digest('hex')).toBe(r.commitment);
      expect(JSON.parse(rows[0]!.body)).toEqual({ amount_vnd: 25_000_000, decision_ref: 'QĐ 12/2024 "Ban vận động"', house_code: world.houses[0]!.publicCode, pool_key: 'general' });
      expect(rows[0]!.salt).not.toBe(rows[1]!.salt);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    // Each change is made as a superuser would behind the application's back, checked, then undone.
    const tampers: [string, string, string, () => number][] = [
      ['allocations.amount_vnd', 'UPDATE allocations SET amount_vnd = amount_vnd + 1', 'UPDATE allocations SET amount_vnd = amount_vnd - 1', () => allocationEntry],
      ['allocations.decision_ref', `UPDATE allocations SET decision_ref = decision_ref || 'x'`, `UPDATE allocations SET decision_ref = left(decision_ref, -1)`, () => allocationEntry],
      ['allocations.pool_key', `UPDATE allocations SET pool_key = 'commune:1'`, `UPDATE allocations SET pool_key = 'general'`, () => allocationEntry],
      ['disbursements.purpose', `UPDATE disbursements SET purpose = 'Mua tôn'`, `UPDATE disbursements SET purpose = 'Mua xi măng, gạch đợt 1'`, () => disbursementEntry],
      ['disbursements.amount_vnd', 'UPDATE disbursements SET amount_vnd = 9000000', 'UPDATE disbursements SET amount_vnd = 10000000', () => disbursementEntry],
      ['houses.public_code', `UPDATE houses SET public_code = public_code || 'Z' WHERE id = 1`, `UPDATE houses SET public_code = left(public_code, -1) WHERE id = 1`, () => allocationEntry],
      ['public_records.body', `UPDATE public_records SET body = replace(body, 'xi măng', 'xi mang')`, `UPDATE public_records SET body = replace(body, 'xi mang', 'xi măng')`, () => disbursementEntry],
      ['donors.display_name', `UPDATE donors SET display_name = 'Người khác' WHERE display_name = 'Người 1'`, `UPDATE donors SET display_name = 'Người 1' WHERE display_name = 'Người khác'`, () => giftEntries[1]!],
      ['contributions.amount_vnd', `UPDATE contributions SET amount_vnd = 2000000 WHERE id = 3`, `UPDATE contributions SET amount_vnd = 20000000 WHERE id = 3`, () => giftEntries[2]!],
      ['contributions.received_at', `UPDATE contributions SET received_at = received_at + interval '1 day' WHERE id = 1`, `UPDATE contributions SET received_at = received_at - interval '1 day' WHERE id = 1`, () => giftEntries[0]!],
      ['journal_entries.commitment', `UPDATE journal_entries SET commitment = repeat('0', 64) WHERE id = (SELECT entry_id FROM disbursements WHERE status = 'approved')`, '', () => disbursementEntry],
    ];
    for (const [what, change, undo, entry] of tampers) {
      it(`a change to ${what} behind the application's back is caught, naming the entry`, async () => {
        const saved = what === 'journal_entries.commitment' ? await queryRows<{ id: string; commitment: string }>(handle.db, sql`SELECT id, commitment FROM journal_entries WHERE commitment IS NOT NULL`) : [];
        const asSuperuser = (statement: string) => handle.db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL session_replication_role = replica`);
          await tx.execute(sql.raw(statement));
        });
        await asSuperuser(change);
        const report = await verifyLedger(handle.db);
        expect(report.ok).toBe(false);
        expect(report.fault?.entryId).toBe(entry());
        if (undo) await asSuperuser(undo);
        for (const row of saved) await asSuperuser(`UPDATE journal_entries SET commitment = '${row.commitment}' WHERE id = ${row.id}`);
        expect((await verifyLedger(handle.db)).ok).toBe(true);
      }, 60_000);
    }

    it('the SQL rendering of every kind of flat record equals publicRecord() on random values', async () => {
      const valueOf = { int: maybe(vnd), text: maybe(text) } as const;
      for (const kind of Object.keys(RECORD_FIELDS) as FlatRecordKind[]) {
        const fields = Object.entries(RECORD_FIELDS[kind]) as [string, 'int' | 'text'][];
        await fc.assert(fc.asyncProperty(fc.tuple(...fields.map(([, type]) => valueOf[type])), async (values) => {
          const expressions = Object.fromEntries(fields.map(([name], i) => [name, `v.c${i}`]));
          const columns = fields.map(([, type], i) => sql`${values[i]}::${sql.raw(type === 'int' ? 'bigint' : 'text')} AS ${sql.raw(`c${i}`)}`);
          const [row] = await queryRows<{ body: string }>(handle.db, sql`SELECT ${sql.raw(sqlRecord(kind, expressions as never))} AS body FROM (SELECT ${sql.join(columns, sql`, `)}) v`);
          expect(row!.body, kind).toBe(publicRecord(kind, Object.fromEntries(fields.map(([name], i) => [name, values[i]])) as RecordValues<typeof kind>).body);
        }), { numRuns: 40 });
      }
    }, 120_000);

    describe('facts without money', () => {
      const house = () => world.houses[1]!;
      const entries: Record<string, number> = {};
      const photoDir = mkdtempSync(join(tmpdir(), 'ancu-chain-photos-'));
      const latestEntry = async (kind: string, subjectId: number, where = sql``) => {
        const [row] = await queryRows<{ entry_id: string | number; body: string }>(handle.db, sql`
          SELECT entry_id, body FROM public_records WHERE kind = ${kind} AND subject_id = ${subjectId} ${where} ORDER BY entry_id DESC LIMIT 1`);
        return { entryId: Number(row!.entry_id), body: JSON.parse(row!.body) as Record<string, unknown> };
      };
      afterAll(() => rmSync(photoDir, { recursive: true, force: true }));

      it('registering a house, reaching a stage and adding a photo each commit their public record', async () => {
        const registered = await latestEntry('house', house().houseId);
        expect(registered.body).toEqual({ area_code: 'T-D-A', budget_vnd: expect.any(Number), code: house().publicCode, housing_need: null, minutes_ref: 'BB-2', poverty_status: 'poor', type: 'repair' });
        expect((await latestEntry('consent', house().houseId)).body).toEqual({ head: 'H.V.T.2.', house_code: house().publicCode });
        expect((await latestEntry('stage', house().houseId)).body).toEqual({ house_code: house().publicCode, on: '2024-08-01', stage: 'approved' });
        await advanceStage(handle.db, { houseId: house().houseId, stage: 'funded', on: '2024-09-10', reason: 'Kinh phí của xã, ngoài sổ cái' });
        const funded = await latestEntry('stage', house().houseId);
        expect(funded.body).toEqual({ house_code: house().publicCode, on: '2024-09-10', stage: 'funded' });
        process.env.PHOTOS_DIR = photoDir;
        const data = Buffer.from('ảnh thử');
        const photo = await storePhoto(handle.db, { houseId: house().houseId, stage: 'funded', photo: { data, width: 40, height: 30 }, createdBy: 'can.bo' });
        const photoRecord = await latestEntry('photo', photo.id);
        expect(photoRecord.body).toEqual({ file: photo.storedName, height: 30, house_code: house().publicCode, sha256: createHash('sha256').update(data).digest('hex'), stage: 'funded', width: 40 });
        Object.assign(entries, { house: registered.entryId, funded: funded.entryId, photo: photoRecord.entryId, consent: (await latestEntry('consent', house().houseId)).entryId });
        expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
      });

      const id = () => house().houseId;
      const facts: [string, () => string, () => string, () => number | null][] = [
        ['houses.budget_vnd', () => `UPDATE houses SET budget_vnd = budget_vnd + 1000000 WHERE id = ${id()}`, () => `UPDATE houses SET budget_vnd = budget_vnd - 1000000 WHERE id = ${id()}`, () => entries.house!],
        ['houses.minutes_ref', () => `UPDATE houses SET minutes_ref = 'BB-9' WHERE id = ${id()}`, () => `UPDATE houses SET minutes_ref = 'BB-2' WHERE id = ${id()}`, () => entries.house!],
        ['houses.type', () => `UPDATE houses SET type = 'new_build' WHERE id = ${id()}`, () => `UPDATE houses SET type = 'repair' WHERE id = ${id()}`, () => entries.house!],
        ['houses.funded_on (a stage date)', () => `UPDATE houses SET funded_on = '2024-09-11' WHERE id = ${id()}`, () => `UPDATE houses SET funded_on = '2024-09-10' WHERE id = ${id()}`, () => entries.funded!],
        ['houses.funded_on cleared (a stage taken back)', () => `UPDATE houses SET funded_on = NULL WHERE id = ${id()}`, () => `UPDATE houses SET funded_on = '2024-09-10' WHERE id = ${id()}`, () => entries.funded!],
        ['households.publish_full_name (consent)', () => `UPDATE households SET publish_full_name = true WHERE id = (SELECT household_id FROM houses WHERE id = ${id()})`, () => `UPDATE households SET publish_full_name = false WHERE id = (SELECT household_id FROM houses WHERE id = ${id()})`, () => entries.consent!],
        ['photos.width', () => 'UPDATE photos SET width = 41', () => 'UPDATE photos SET width = 40', () => entries.photo!],
        ['photos.stage', () => `UPDATE photos SET stage = 'approved'`, () => `UPDATE photos SET stage = 'funded'`, () => entries.photo!],
        ['photos.stored_name', () => `UPDATE photos SET stored_name = '0' || stored_name`, () => 'UPDATE photos SET stored_name = substr(stored_name, 2)', () => entries.photo!],
        ['a forged photo row', () => `INSERT INTO photos (house_id, stage, stored_name, width, height, bytes, created_by) VALUES (${id()}, 'funded', 'forged.jpg', 1, 1, 1, 'x')`, () => `DELETE FROM photos WHERE stored_name = 'forged.jpg'`, () => null],
      ];
      for (const [what, change, undo, entry] of facts) {
        it(`a change to ${what} behind the application's back is caught, naming the entry`, async () => {
          const asSuperuser = (statement: string) => handle.db.transaction(async (tx) => {
            await tx.execute(sql`SET LOCAL session_replication_role = replica`);
            await tx.execute(sql.raw(statement));
          });
          await asSuperuser(change());
          const report = await verifyLedger(handle.db);
          expect(report.ok).toBe(false);
          expect(report.fault?.entryId).toBe(entry());
          expect(report.fault?.reason).toMatch(entry() === null ? /has no committed record/ : /differs from the committed record/);
          await asSuperuser(undo());
          expect((await verifyLedger(handle.db)).ok).toBe(true);
        }, 60_000);
      }

      it('photo rows refuse any change, even from the application', async () => {
        const refused = { cause: { message: expect.stringMatching(/append-only/) } };
        await expect(handle.db.execute(sql`UPDATE photos SET width = 1`)).rejects.toMatchObject(refused);
        await expect(handle.db.execute(sql`DELETE FROM photos`)).rejects.toMatchObject(refused);
      });

      it('a household withdrawing consent: the full name leaves the published records, the chain still verifies', async () => {
        const named = await registerHouseProject(handle.db, {
          campaignId: world.campaignId, areaId: world.communeB, type: 'new_build', minutesRef: 'BB-7', approvedOn: '2024-08-05',
          household: { headFullName: 'Lục Thị Đồng Ý', povertyStatus: 'near_poor', members: 2, publishFullName: true },
        });
        const given = await latestEntry('consent', named.houseId);
        expect(given.body).toEqual({ head: 'Lục Thị Đồng Ý', house_code: named.publicCode });
        const { result } = await withdrawHeadNameConsent(handle.db, { idempotencyKey: nextKey('consent'), houseId: named.houseId, requestedBy: 'can.bo', occurredAt: '2025-01-02T00:00:00Z' });
        expect(result.withdrawn).toBe(1);
        expect((await latestEntry('consent', named.houseId)).body).toEqual({ head: 'L.T.Đ.Ý.', house_code: named.publicCode });
        const [old] = await queryRows<{ body: string | null; withdrawn_by_entry_id: string | number | null }>(handle.db, sql`SELECT body, withdrawn_by_entry_id FROM public_records WHERE entry_id = ${given.entryId}`);
        expect(old).toMatchObject({ body: null, withdrawn_by_entry_id: expect.anything() });
        const [named2] = await queryRows<{ n: string | number }>(handle.db, sql`SELECT count(*) AS n FROM public_records WHERE body LIKE '%Lục Thị%'`);
        expect(Number(named2!.n)).toBe(0);
        expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
        // Initials were already shown: nothing more to withdraw.
        expect((await withdrawHeadNameConsent(handle.db, { idempotencyKey: nextKey('consent'), houseId: named.houseId, requestedBy: 'can.bo', occurredAt: '2025-01-02T00:00:00Z' })).result.withdrawn).toBe(0);
        await expect(withdrawHeadNameConsent(handle.db, { idempotencyKey: nextKey('consent'), houseId: 99_999, requestedBy: 'can.bo', occurredAt: '2025-01-02T00:00:00Z' })).rejects.toMatchObject({ status: 404 });
      });
    });

    it('a deleted public record or side row is caught, naming the entry', async () => {
      for (const table of ['public_records', 'allocations']) {
        const asSuperuser = (statement: ReturnType<typeof sql>) => handle.db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL session_replication_role = replica`);
          await tx.execute(statement);
        });
        const [saved] = await queryRows<{ row: unknown }>(handle.db, sql`SELECT row_to_json(t) AS row FROM ${sql.raw(table)} t WHERE entry_id = ${allocationEntry}`);
        await asSuperuser(sql`DELETE FROM ${sql.raw(table)} WHERE entry_id = ${allocationEntry}`);
        const report = await verifyLedger(handle.db);
        expect(report.fault?.entryId, table).toBe(allocationEntry);
        await asSuperuser(sql`INSERT INTO ${sql.raw(table)} SELECT * FROM json_populate_record(NULL::${sql.raw(table)}, ${JSON.stringify(saved!.row)}::json)`);
      }
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });

    it('public records refuse any change but a withdrawal, even from the application', async () => {
      const refused = { cause: { message: expect.stringMatching(/append-only/) } };
      await expect(handle.db.execute(sql`UPDATE public_records SET body = body || ' '`)).rejects.toMatchObject(refused);
      await expect(handle.db.execute(sql`UPDATE public_records SET salt = md5(salt)`)).rejects.toMatchObject(refused);
      await expect(handle.db.execute(sql`DELETE FROM public_records`)).rejects.toMatchObject(refused);
      await expect(handle.db.execute(sql`TRUNCATE public_records`)).rejects.toMatchObject(refused);
    });

    it('verify-dataset checks every record against its commitment; a changed file is caught with and without its hash and signature redone', async () => {
      const firstHouse = () => world.houses[0]!.publicCode;
      const good = await verifyDataset(published, { key: signer.verifierKey });
      expect(good.fault).toBeUndefined();
      expect(good.checked.join('\n')).toMatch(/11 public records against their commitments/);
      const cases: [string, (text: string) => string, RegExp][] = [
        [FILES.allocations, (t) => t.replace('QĐ 12/2024', 'QĐ 13/2024'), /decision_ref/],
        [FILES.disbursements, (t) => t.replace('"amount_vnd":10000000', '"amount_vnd":1000000'), /amount_vnd/],
        [FILES.disbursements, () => '', /not listed/],
        [FILES.records, (t) => t.replace('xi măng', 'xi mang'), /does not match the commitment/],
        [FILES.records, (t) => t.split('\n').slice(1).join('\n'), /not published/],
        [FILES.ledgerPage(1), (t) => t.replace('Người 1', 'Người khác'), /committed record/],
        [FILES.contributionsCsv, (t) => t.replace('Người 1', 'Người khác'), /row of contribution .* differs/],
        [FILES.contributionsCsv, (t) => t.replace(/,[0-9a-f]{64},/, `,${'0'.repeat(64)},`), /row of contribution .* differs/],
        [FILES.contributionsCsv, (t) => `${t}999,X,,,,,,,,,,,,,\r\n`, /a row no ledger page lists/],
        [FILES.houses, (t) => t.replace(/"minutes_ref":\s*"BB-1"/, '"minutes_ref":"BB-9"'), /minutes_ref is "BB-9"/],
        [FILES.houses, (t) => t.replace(/"budget_vnd":\s*(\d+)/, (_, n: string) => `"budget_vnd":${Number(n) + 1}`), /budget_vnd is/],
        [FILES.houses, (t) => t.replace(/"head":\s*"H\.V\.T\.1\."/, '"head":"Hoàng Văn Thử 1"'), /head is "Hoàng Văn Thử 1"/],
        [FILES.houses, (t) => t.replace(/"on":\s*"2024-08-01"/, '"on":"2024-08-02"'), /stage approved is dated 2024-08-02/],
        [FILES.house(firstHouse()), (t) => t.replace('QĐ 12/2024', 'QĐ 13/2024'), /decision_ref/],
        [FILES.house(firstHouse()), (t) => t.replace('Người 0', 'Người khác'), /donor is "Người khác"/],
        [FILES.housesCsv, (t) => t.replace('H.V.T.1.', 'Hoàng Văn Thử 1'), /line 2 is ".*Hoàng Văn Thử 1.*", the chain gives ".*H\.V\.T\.1\./],
        [FILES.housesCsv, (t) => `${t}X-9,,,,,,,,,,,,,,,,,,,,,,\r\n`, /line 4 is "X-9/],
        [FILES.giving360, (t) => t.replace(/"amountAwarded":(\d+)/, (_, n: string) => `"amountAwarded":${Number(n) + 1}`), /grants\[0\]\.amountAwarded is \d+, the chain gives 25000000/],
        [FILES.giving360, (t) => t.replace('"grants":[', '"grants":[ '), /not the bytes the publisher writes/],
        [FILES.areas, (t) => t.replace(/"pool_vnd":(\d+)/, (_, n: string) => `"pool_vnd":${Number(n) + 1}`), /\[0\]\.pool_vnd is/],
        [FILES.areas, (t) => t.replace(/"received_count":(\d+)/, (_, n: string) => `"received_count":${Number(n) + 1}`), /\[0\]\.received_count is/],
        [FILES.summary, (t) => t.replace(/"cash_contributions":(\d+)/, (_, n: string) => `"cash_contributions":${Number(n) + 1}`), /totals\.cash_contributions is 4, the chain gives 3/],
        [FILES.summary, (t) => t.replace(/"short_of_money":\{"houses":(\d+)/, (_, n: string) => `"short_of_money":{"houses":${Number(n) - 1}`), /short_of_money\.houses is/],
        [FILES.summary, (t) => t.replace('"Người 2"', '"Người khác"'), /newest\[0\]\.donor is "Người khác", the chain gives "Người 2"/],
        [FILES.summary, (t) => t.replace(/"reports":\[.*\]/, '"reports":[]'), /reports\[0\] is missing/],
      ];
      for (const [file, edit, reason] of cases) {
        for (const redone of [false, true]) {
          const dir = join(root, `tamper-${file.replace(/\W/g, '_')}-${redone}`);
          await run('cp', ['-a', published, dir]);
          writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
          if (redone) forgeWithKey(dir, signer, [file]);
          const report = await verifyDataset(dir, { key: signer.verifierKey });
          expect(report.ok, `${file} ${redone}`).toBe(false);
          if (redone) expect(report.fault?.reason, file).toMatch(reason);
          else expect(report.fault?.reason, file).toMatch(/SHA-256/);
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }, 120_000);

    it('withdrawing a donor\'s name removes it from every published file; the chain and the dataset still verify', async () => {
      const [donor] = await queryRows<{ donor_id: number }>(handle.db, sql`SELECT donor_id FROM contributions WHERE id = 1`);
      const { result } = await withdrawDonorName(handle.db, { idempotencyKey: nextKey('withdraw'), donorId: Number(donor!.donor_id), requestedBy: 'can.bo', occurredAt: '2025-01-02T00:00:00Z' });
      expect(result.withdrawn).toBe(1);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
      const after = join(root, 'after-withdrawal');
      await publishDataset(handle.db, after, { signer, now: new Date('2025-01-03T00:00:00Z') });
      const { stdout } = await run('grep', ['-rl', 'Người 0', after]).catch((error: { stdout: string }) => error);
      expect(stdout.trim()).toBe('');
      const lines = readFileSync(join(after, FILES.records), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { entry_id: number; record: unknown; withdrawn_by_entry_id: number | null });
      expect(lines.find((l) => l.entry_id === giftEntries[0])).toMatchObject({ record: null, withdrawn_by_entry_id: expect.any(Number) });
      const report = await verifyDataset(after, { key: signer.verifierKey });
      expect(report.fault).toBeUndefined();
      // This donor's gift, and the head of household's name withdrawn above.
      expect(report.checked.join('\n')).toMatch(/\(2 withdrawn\)/);
      // A second request under another key finds nothing left to withdraw.
      expect((await withdrawDonorName(handle.db, { idempotencyKey: nextKey('withdraw'), donorId: Number(donor!.donor_id), requestedBy: 'can.bo', occurredAt: '2025-01-02T00:00:00Z' })).result.withdrawn).toBe(0);
      await expect(withdrawDonorName(handle.db, { idempotencyKey: nextKey('withdraw'), donorId: 999, requestedBy: 'can.bo', occurredAt: '2025-01-02T00:00:00Z' })).rejects.toMatchObject({ status: 404 });
    }, 120_000);

    it('a forged allocation row pointing at an old entry without a commitment is caught', async () => {
      const reversal = await reverseEntry(handle.db, { idempotencyKey: nextKey('rev'), entryId: giftEntries[2]!, reason: 'Nhập trùng', requestedBy: 'can.bo', occurredAt: '2025-01-04T00:00:00Z' });
      const oldEntry = reversal.result.entryId;
      const [commitment] = await queryRows<{ commitment: string | null }>(handle.db, sql`SELECT commitment FROM journal_entries WHERE id = ${oldEntry}`);
      expect(commitment!.commitment).toBeNull();
      const asSuperuser = (statement: ReturnType<typeof sql>) => handle.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL session_replication_role = replica`);
        await tx.execute(statement);
      });
      await asSuperuser(sql`INSERT INTO allocations SELECT (json_populate_record(NULL::allocations, (row_to_json(a)::jsonb || jsonb_build_object('id', 999, 'entry_id', ${oldEntry}::bigint))::json)).* FROM allocations a LIMIT 1`);
      const report = await verifyLedger(handle.db);
      expect(report).toMatchObject({ ok: false, fault: { entryId: oldEntry } });
      await asSuperuser(sql`DELETE FROM allocations WHERE id = 999`);
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    }, 60_000);

    it('the standalone verify.mjs checks the records and the files derived from them too', async () => {
      const dir = join(root, 'standalone');
      await run('cp', ['-a', published, dir]);
      const ok = await run(process.execPath, [join(dir, 'verify.mjs'), dir, '--key', signer.verifierKey]);
      expect(ok.stdout).toMatch(/public records against their commitments/);
      expect(ok.stdout).toMatch(/houses\.csv, 360giving\.json, areas\.json and summary\.json recomputed/);
      expect(ok.stdout).toMatch(/cash book: \d+ cash lines on \d+ account months/);
      const bankMonth = (JSON.parse(readFileSync(join(dir, CASH_BOOK_FILES.index), 'utf8')) as CashBookIndex).accounts[0]!.months[0]!.month;
      const bankPage = CASH_BOOK_FILES.page('cash_bank', bankMonth, 1);
      const forgeries: [string, (text: string) => string, RegExp][] = [
        [FILES.records, (t) => t.replace('xi măng', 'xi mang'), /does not match the commitment/],
        [FILES.housesCsv, (t) => t.replace('H.V.T.1.', 'Hoàng Văn Thử 1'), /houses\.csv.*line 2/],
        [FILES.giving360, (t) => t.replace(/"amountAwarded":(\d+)/, (_, n: string) => `"amountAwarded":${Number(n) + 1}`), /360giving\.json.*amountAwarded/],
        [FILES.areas, (t) => t.replace(/"pool_vnd":(\d+)/, (_, n: string) => `"pool_vnd":${Number(n) + 1}`), /areas\.json.*pool_vnd/],
        [FILES.summary, (t) => t.replace(/"cash_contributions":(\d+)/, (_, n: string) => `"cash_contributions":${Number(n) + 1}`), /summary\.json.*cash_contributions/],
        // The journal is checked in a worker thread here, the ledger pages meanwhile: each still names its fault.
        [FILES.journalChunk(1), (t) => t.replace('"kind":"contribution"', '"kind":"contributiom"'), /journal entry #\d+ .*hash does not match the entry content/],
        [FILES.ledgerPage(1), (t) => t.replace('Người 1', 'Người khác'), /contributions\/0001\.json.*committed record/],
        [FILES.ledgerPage(1), (t) => t.replace(/"entry_hash":"[0-9a-f]{64}"/, `"entry_hash":"${'0'.repeat(64)}"`), /contributions\/0001\.json.*entry_hash is "0{64}", the journal says/],
        [FILES.contributionsCsv, (t) => t.replace('Người 1', 'Người khác'), /row of contribution .* differs/],
        // The cash book, recomputed from the cash lines the journal's thread hands back.
        [bankPage, (t) => t.replace('"out_vnd":10000000', '"out_vnd":1000000'), /cash-book\/cash_bank\/\d{4}-\d{2}\/0001\.json.*entry #\d+: out_vnd is 1000000, the chain gives 10000000/],
        [CASH_BOOK_FILES.index, (t) => t.replace(/"in_vnd":(\d+)/, (_, n: string) => `"in_vnd":${Number(n) + 1}`), /cash-book\/index\.json.*cash_bank \d{4}-\d{2}: in_vnd is/],
      ];
      for (const [file, edit, reason] of forgeries) {
        const forged = join(root, `standalone-${file.replace(/\W/g, '_')}`);
        await run('cp', ['-a', published, forged]);
        writeFileSync(join(forged, file), edit(readFileSync(join(forged, file), 'utf8')));
        forgeWithKey(forged, signer, [file]);
        const bad = await run(process.execPath, [join(forged, 'verify.mjs'), forged, '--key', signer.verifierKey]).catch((error: { code: number; stderr: string; stdout: string }) => error);
        expect(bad, file).toMatchObject({ code: 1 });
        expect(`${(bad as { stderr: string }).stderr}`, file).toMatch(reason);
        rmSync(forged, { recursive: true, force: true });
      }
    }, 60_000);

    it('a household consenting after registration: its full name is committed and published; withdrawn again, it leaves every file; the chain and the dataset verify throughout', async () => {
      const later = await registerHouseProject(handle.db, {
        campaignId: world.campaignId, areaId: world.communeB, type: 'repair', minutesRef: 'BB-8', approvedOn: '2024-08-06',
        household: { headFullName: 'Đinh Văn Sau Này', povertyStatus: 'poor', members: 3, publishFullName: false },
      });
      const published = async (name: string) => {
        const dir = join(root, name);
        await publishDataset(handle.db, dir, { signer, now: new Date('2025-02-01T00:00:00Z') });
        const report = await verifyDataset(dir, { key: signer.verifierKey });
        expect(report.fault).toBeUndefined();
        const house = (JSON.parse(readFileSync(join(dir, FILES.houses), 'utf8')) as { code: string; head: string }[]).find((h) => h.code === later.publicCode);
        const csvLine = readFileSync(join(dir, FILES.housesCsv), 'utf8').split('\r\n').find((line) => line.startsWith(`${later.publicCode},`));
        const { stdout } = await run('grep', ['-rl', 'Sau Này', dir]).catch((error: { stdout: string }) => error);
        return { head: house?.head, csvLine, filesNaming: stdout.trim().split('\n').filter(Boolean).map((f) => f.slice(dir.length + 1)).sort() };
      };
      const consent = (houseId: number) => ({ idempotencyKey: nextKey('consent'), houseId, requestedBy: 'can.bo', occurredAt: '2025-01-20T00:00:00Z' });
      expect(await published('consent-before')).toMatchObject({ head: 'Đ.V.S.N.', filesNaming: [] });

      const given = await giveHeadNameConsent(handle.db, consent(later.houseId));
      expect(given.result.committed).toBe(1);
      const [record] = await queryRows<{ body: string; description: string; commitment: string | null }>(handle.db, sql`
        SELECT r.body, e.description, e.commitment FROM public_records r JOIN journal_entries e ON e.id = r.entry_id
        WHERE r.kind = 'consent' AND r.subject_id = ${later.houseId} ORDER BY r.entry_id DESC LIMIT 1`);
      expect(record).toMatchObject({ body: JSON.stringify({ head: 'Đinh Văn Sau Này', house_code: later.publicCode }), description: expect.stringMatching(/đồng ý công bố họ tên/) });
      expect(record!.commitment).toMatch(/^[0-9a-f]{64}$/);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
      // Consent already given: nothing more to commit.
      expect((await giveHeadNameConsent(handle.db, consent(later.houseId))).result.committed).toBe(0);
      const shown = await published('consent-given');
      expect(shown.head).toBe('Đinh Văn Sau Này');
      expect(shown.csvLine).toContain('Đinh Văn Sau Này');
      expect(shown.filesNaming).toEqual([FILES.housesCsv, FILES.houses, FILES.records]);

      expect((await withdrawHeadNameConsent(handle.db, consent(later.houseId))).result.withdrawn).toBe(1);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
      expect(await published('consent-withdrawn')).toMatchObject({ head: 'Đ.V.S.N.', filesNaming: [] });
      await expect(giveHeadNameConsent(handle.db, consent(99_999))).rejects.toMatchObject({ status: 404 });
    }, 120_000);

    it('ledger:backfill-records commits the records of a house registered before records existed, once; a row changed since its record is not laundered', async () => {
      const [household] = await handle.db.insert(schema.households).values({ areaId: world.communeB, headFullName: 'Hà Văn Cũ', headInitials: 'H.V.C.', povertyStatus: 'poor', members: 2 }).returning();
      const [old] = await handle.db.insert(schema.houses).values({
        publicCode: 'CU-0001', campaignId: world.campaignId, householdId: household!.id, areaId: world.communeB, type: 'repair', budgetVnd: 30_000_000, minutesRef: 'BB-cu', approvedOn: '2024-07-01',
      }).returning();
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: false, fault: { entryId: null, reason: expect.stringMatching(/CU-0001.*has no committed record/) } });
      expect((await backfillRecords(handle.db, new Date('2025-03-01T00:00:00Z'))).committed).toBe(3);
      const records = await queryRows<{ kind: string; body: string; description: string }>(handle.db, sql`
        SELECT r.kind, r.body, e.description FROM public_records r JOIN journal_entries e ON e.id = r.entry_id WHERE r.subject_id = ${old!.id} AND e.occurred_at = '2025-03-01T00:00:00Z' ORDER BY r.entry_id`);
      expect(records.map((r) => [r.kind, JSON.parse(r.body), r.description])).toEqual([
        ['house', { area_code: expect.any(String), budget_vnd: 30_000_000, code: 'CU-0001', housing_need: null, minutes_ref: 'BB-cu', poverty_status: 'poor', type: 'repair' }, 'Đăng ký nhà CU-0001'],
        ['consent', { head: 'H.V.C.', house_code: 'CU-0001' }, 'Tên chủ hộ nhà CU-0001 được công bố theo đồng ý của hộ'],
        ['stage', { house_code: 'CU-0001', on: '2024-07-01', stage: 'approved' }, 'Nhà CU-0001 đến giai đoạn "Đã phê duyệt"'],
      ]);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
      expect((await backfillRecords(handle.db)).committed).toBe(0);
      const asSuperuser = (statement: ReturnType<typeof sql>) => handle.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL session_replication_role = replica`);
        await tx.execute(statement);
      });
      await asSuperuser(sql`UPDATE houses SET minutes_ref = 'BB-gia' WHERE id = ${old!.id}`);
      expect((await backfillRecords(handle.db)).committed).toBe(0);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: false, fault: { reason: expect.stringMatching(/BB-gia/) } });
      await asSuperuser(sql`UPDATE houses SET minutes_ref = 'BB-cu' WHERE id = ${old!.id}`);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
    }, 120_000);
  });
}
