// Donors: the public name, a returning donor found by a private identifier, and staff merges of two
// records of the same person or company (kept as a pointer on the merged record, so a merge is undone
// by clearing it; the audit log keeps who did each and why).
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, schema, type Db, type Tx } from '../../db/client';
import { DomainError, notFound } from './errors';
import type { donorInput } from './schemas';

const { donors } = schema;

// A gift names a known donor or brings a new one.
export type DonorRef = { donorId: number } | { donor: z.output<typeof donorInput> };

// The name the public sees: the donor's chosen display name, or "Nhà hảo tâm" for anonymity.
export function publicDonorName(donor: { anonymous: boolean; displayName: string | null }): string {
  return donor.anonymous || !donor.displayName ? 'Nhà hảo tâm' : donor.displayName;
}

export type DonorKey = 'tax_code' | 'phone' | 'email';

// Mã số thuế as typed: 10 digits, or 13 for a branch, with or without spaces, dots or the branch dash.
export function isTaxCode(typed: string): boolean {
  return /^[\d\s.-]{10,20}$/.test(typed) && [10, 13].includes(typed.replace(/\D/g, '').length);
}

// One stored form (0123456789 or 0123456789-001), so the same company is found however it was typed.
export function normaliseTaxCode(typed: string): string {
  const digits = typed.replace(/\D/g, '');
  return digits.length === 13 ? `${digits.slice(0, 10)}-${digits.slice(10)}` : digits;
}

// A tax code typed into a form or a query, checked and stored in its one form.
export const taxCodeInput = z.string({ required_error: 'Cần mã số thuế / A tax code is required' })
  .refine(isTaxCode, 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số cho chi nhánh / A tax code has 10 digits, or 13 for a branch')
  .transform(normaliseTaxCode);

// Private identifiers as stored, so that "0912 345 678" and "+84912345678" find the same donor.
export function donorKeysOf(donor: { taxCode?: string | null; phone?: string | null; email?: string | null }): Partial<Record<DonorKey, string>> {
  const keys: Partial<Record<DonorKey, string>> = {};
  if (donor.taxCode?.trim()) keys.tax_code = donor.taxCode.trim();
  if (donor.phone?.trim()) keys.phone = donor.phone.trim();
  if (donor.email?.trim()) keys.email = donor.email.trim().toLowerCase();
  return keys;
}

// What a new donor is known by inside one batch of gifts (with its choice of anonymity), so two gifts of
// one new donor posted together make one record, as they would one after the other.
export function batchDonorKeys(donor: { anonymous: boolean; taxCode?: string | null; phone?: string | null; email?: string | null }): string[] {
  return Object.entries(donorKeysOf(donor)).map(([key, value]) => `${donor.anonymous}:${key}:${value}`);
}

export interface ReturningDonor { donorId: number; via: DonorKey }

// The donor already on record with the same tax code, phone or email (in that order of trust) and the
// same choice of anonymity, followed to the record it was merged into. Nothing public is compared.
// The record's missing identifiers are filled in from this gift's.
export async function findReturningDonor(tx: Db | Tx, donor: z.output<typeof donorInput>): Promise<ReturningDonor | undefined> {
  const keys = donorKeysOf(donor);
  if (Object.keys(keys).length === 0) return undefined;
  const [row] = await queryRows<{ id: number; via: DonorKey }>(tx, sql`
    SELECT d.id, CASE WHEN d.tax_code = ${keys.tax_code ?? null} THEN 'tax_code' WHEN d.phone = ${keys.phone ?? null} THEN 'phone' ELSE 'email' END AS via
    FROM donors d
    WHERE d.kind <> 'state' AND d.anonymous = ${donor.anonymous}
      AND (d.tax_code = ${keys.tax_code ?? null} OR d.phone = ${keys.phone ?? null} OR lower(d.email) = ${keys.email ?? null})
    ORDER BY (d.tax_code = ${keys.tax_code ?? null}) IS TRUE DESC, (d.phone = ${keys.phone ?? null}) IS TRUE DESC, d.id
    LIMIT 1`);
  if (!row) return undefined;
  const donorId = await rootDonorId(tx, Number(row.id));
  // What the record lacks is filled in (never overwritten), so the next gift is found by it too.
  await tx.execute(sql`UPDATE donors SET tax_code = coalesce(tax_code, ${keys.tax_code ?? null}), phone = coalesce(phone, ${keys.phone ?? null}),
    email = coalesce(email, ${keys.email ?? null}) WHERE id = ${donorId}`);
  return { donorId, via: row.via };
}

// The record a donor was merged into, through any chain of merges.
export async function rootDonorId(tx: Db | Tx, donorId: number): Promise<number> {
  const [row] = await queryRows<{ id: number }>(tx, sql`
    WITH RECURSIVE up(id, next, depth) AS (
      SELECT id, merged_into_id, 0 FROM donors WHERE id = ${donorId}
      UNION ALL SELECT d.id, d.merged_into_id, up.depth + 1 FROM donors d JOIN up ON d.id = up.next WHERE up.depth < 50)
    SELECT id FROM up WHERE next IS NULL`);
  return row ? Number(row.id) : donorId;
}

export interface MergeResult { fromId: number; intoId: number; fromName: string; intoName: string; gifts: number }

async function lockDonors(tx: Tx, ids: number[]) {
  const rows = await tx.select().from(donors).where(sql`${donors.id} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`).orderBy(donors.id).for('update');
  return new Map(rows.map((row) => [row.id, row]));
}

// Merges one donor record into another: the gifts stay as recorded (they are immutable), and lists of
// contributors count them under the surviving record. Refused for the state budget, for a record already
// merged, across anonymity (it would publish an anonymous gift under a name), and into itself.
export async function mergeDonors(db: Db, input: { fromId: number; intoId: number }): Promise<MergeResult> {
  if (!Number.isSafeInteger(input.fromId) || !Number.isSafeInteger(input.intoId)) {
    throw new DomainError(400, 'invalid_input', 'Hãy nhập số của hai người ủng hộ.', 'Enter the numbers of both donors.');
  }
  if (input.fromId === input.intoId) throw new DomainError(400, 'same_donor', 'Hai số giống nhau: không có gì để gộp.', 'Both numbers are the same donor.');
  return db.transaction(async (tx) => {
    const locked = await lockDonors(tx, [input.fromId, input.intoId]);
    const from = locked.get(input.fromId);
    const into = locked.get(input.intoId);
    if (!from) throw notFound(`người ủng hộ #${input.fromId}`, `Donor #${input.fromId}`);
    if (!into) throw notFound(`người ủng hộ #${input.intoId}`, `Donor #${input.intoId}`);
    if (from.kind === 'state' || into.kind === 'state') throw new DomainError(409, 'state_donor', 'Không gộp ngân sách nhà nước với người ủng hộ.', 'The state budget is not merged with donors.');
    if (from.mergedIntoId !== null) throw new DomainError(409, 'already_merged', `Người ủng hộ #${from.id} đã được gộp vào #${from.mergedIntoId}.`, `Donor #${from.id} is already merged into #${from.mergedIntoId}.`);
    if (from.anonymous !== into.anonymous) {
      throw new DomainError(409, 'anonymity_differs', 'Một bên chọn ẩn danh, bên kia không: gộp sẽ công khai tên cho khoản ẩn danh.', 'One donor chose anonymity and the other did not: merging would publish a name for an anonymous gift.');
    }
    const root = await rootDonorId(tx, into.id);
    if (root === from.id) throw new DomainError(409, 'merge_cycle', `#${into.id} đã được gộp vào #${from.id}; hãy gộp theo chiều ngược lại.`, `#${into.id} is merged into #${from.id}; merge the other way round.`);
    await tx.update(donors).set({ mergedIntoId: into.id }).where(eq(donors.id, from.id));
    const [gifts] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM contributions WHERE donor_id = ${from.id}`);
    return { fromId: from.id, intoId: into.id, fromName: publicDonorName(from), intoName: publicDonorName(into), gifts: Number(gifts?.n ?? 0) };
  });
}

// Undoes a merge: the record counts on its own again.
export async function unmergeDonor(db: Db, donorId: number): Promise<{ donorId: number; wasMergedInto: number }> {
  return db.transaction(async (tx) => {
    const donor = (await lockDonors(tx, [donorId])).get(donorId);
    if (!donor) throw notFound(`người ủng hộ #${donorId}`, `Donor #${donorId}`);
    if (donor.mergedIntoId === null) throw new DomainError(409, 'not_merged', `Người ủng hộ #${donorId} chưa được gộp vào ai.`, `Donor #${donorId} is not merged.`);
    await tx.update(donors).set({ mergedIntoId: null }).where(eq(donors.id, donorId));
    return { donorId, wasMergedInto: donor.mergedIntoId };
  });
}

// SQL: each donor with the record it counts under (itself, or the end of its chain of merges).
export const donorRootsSql = sql`
  WITH RECURSIVE donor_roots(id, root) AS (
    SELECT id, id FROM donors WHERE merged_into_id IS NULL
    UNION ALL SELECT d.id, r.root FROM donors d JOIN donor_roots r ON d.merged_into_id = r.id)`;
