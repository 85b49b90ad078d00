// What a business's gift confirmation states, read from the ledger: the company (private name and tax
// code), each confirmed gift that was not reversed, the houses it reached, and the published checkpoint
// that anchors its journal entry. One gift by receipt code (with the tax code as proof of ownership,
// since receipt codes are public), or a year of gifts per tax code for staff.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { donorRootsSql, taxCodeInput } from '../domain/donors';
import { DomainError } from '../domain/errors';
import { lookupReceipt } from '../publish/live';
import { siteLayout } from '../publish/site';
import { datasetDir } from '../publish/read';
import { DATASET_URL_PATH, type Checkpoint } from '../publish/format';
import { RateLimiter } from '../rate-limit';

export interface ConfirmedGift {
  receiptCode: string;
  receivedAt: Date;
  amountVnd: number;
  channel: string | null;
  entryId: number | null;
  entryHash: string | null;
  houses: { code: string; commune: string; amountVnd: number }[];
  inPoolVnd: number;
}

export interface Anchor { generatedAt: string; entryCount: number; headHash: string; logRoot: string }

export interface Confirmation {
  company: { name: string; taxCode: string };
  campaign: { name: string; isDemo: boolean };
  /** Set for a yearly confirmation. */
  year: number | null;
  gifts: ConfirmedGift[];
  totalVnd: number;
  /** The latest published checkpoint, or null before the first publish. */
  anchor: Anchor | null;
}

/** A year of gifts is a short list for one company; past this, staff split it. */
export const MAX_GIFTS_PER_CONFIRMATION = 500;

export const giftConfirmationForm = z.object({
  code: z.string({ required_error: 'Cần mã biên nhận / A receipt code is required' }).trim().toUpperCase()
    .regex(/^AC[0-9A-Z]{8}$/, 'Mã biên nhận có dạng AC7K2M9QXP / A receipt code looks like AC7K2M9QXP'),
  taxCode: taxCodeInput,
});

// The checkpoint the served site publishes (the dataset folder when no site is built yet).
export function publishedAnchor(dirs = [join(siteLayout().client, DATASET_URL_PATH), datasetDir()]): Anchor | null {
  for (const dir of dirs) {
    try {
      const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as Checkpoint;
      return { generatedAt: checkpoint.generated_at, entryCount: checkpoint.entry_count, headHash: checkpoint.head_hash, logRoot: checkpoint.log.root_hash };
    } catch {
      // no dataset there: try the next folder
    }
  }
  return null;
}

// The company's gifts matching `where`: the donor or the record it was merged into carries the tax code,
// and the gift's entry was never reversed (a refunded gift is not an expense).
async function companyGifts(db: Db, taxCode: string, where: ReturnType<typeof sql>) {
  return queryRows<{ receipt_code: string; received_at: Date | string; amount_vnd: string | number; channel: string | null; company: string | null }>(db, sql`
    ${donorRootsSql}
    SELECT c.receipt_code, c.received_at, c.amount_vnd, c.channel,
           coalesce((SELECT p.company_name FROM pledges p WHERE p.tax_code = ${taxCode} ORDER BY p.id DESC LIMIT 1), root.display_name, d.display_name) AS company
    FROM contributions c
    JOIN donors d ON d.id = c.donor_id
    JOIN donor_roots r ON r.id = d.id
    JOIN donors root ON root.id = r.root
    WHERE (d.tax_code = ${taxCode} OR root.tax_code = ${taxCode}) AND c.kind = 'cash' AND ${where}
      AND NOT EXISTS (SELECT 1 FROM journal_entries e JOIN journal_entries rev ON rev.reverses_entry_id = e.id
                      WHERE e.contribution_id = c.id AND e.kind = 'contribution')
    ORDER BY c.received_at, c.id
    LIMIT ${MAX_GIFTS_PER_CONFIRMATION + 1}`);
}

// Where one gift went, from the same lookup the public page uses.
async function traced(db: Db, row: Awaited<ReturnType<typeof companyGifts>>[number]): Promise<ConfirmedGift> {
  const found = await lookupReceipt(db, { code: row.receipt_code });
  return {
    receiptCode: row.receipt_code, receivedAt: new Date(row.received_at), amountVnd: Number(row.amount_vnd), channel: row.channel,
    entryId: found.entry?.id ?? null, entryHash: found.entry?.hash ?? null,
    houses: found.houses.filter((h) => h.via !== null).map((h) => ({ code: h.code, commune: h.commune, amountVnd: h.amount_vnd })),
    inPoolVnd: found.in_pool_vnd,
  };
}

async function assemble(db: Db, taxCode: string, year: number | null, rows: Awaited<ReturnType<typeof companyGifts>>): Promise<Confirmation> {
  if (rows.length > MAX_GIFTS_PER_CONFIRMATION) {
    throw new DomainError(413, 'too_many_gifts', `Quá ${MAX_GIFTS_PER_CONFIRMATION} khoản trong một giấy xác nhận; hãy liên hệ văn phòng.`, `More than ${MAX_GIFTS_PER_CONFIRMATION} gifts in one confirmation; contact the office.`);
  }
  const campaign = await currentCampaign(db);
  const gifts: ConfirmedGift[] = [];
  for (const row of rows) gifts.push(await traced(db, row));
  return {
    company: { name: rows[0]?.company ?? '', taxCode },
    campaign: { name: campaign?.name ?? '', isDemo: campaign?.isDemo ?? false },
    year, gifts, totalVnd: gifts.reduce((sum, g) => sum + g.amountVnd, 0), anchor: publishedAnchor(),
  };
}

// One gift, by its receipt code and the tax code given with it; a wrong pair is "not found" either way,
// so the form tells nobody whether a code exists.
export async function giftConfirmation(db: Db, input: z.output<typeof giftConfirmationForm>): Promise<Confirmation> {
  const rows = await companyGifts(db, input.taxCode, sql`c.receipt_code = ${input.code}`);
  if (rows.length === 0) {
    throw new DomainError(404, 'not_found',
      `Không tìm thấy khoản ủng hộ đã ghi nhận có mã ${input.code} và mã số thuế này. Khoản chuyển khoản chỉ có giấy xác nhận sau khi tiền về tài khoản của Quỹ.`,
      `No recorded gift has receipt code ${input.code} with this tax code. A transfer gets its confirmation once the money reaches the fund's account.`);
  }
  return assemble(db, input.taxCode, null, rows);
}

// Every gift of one tax code received in a calendar year (Vietnam time), for the company's yearly books.
export async function yearConfirmation(db: Db, input: { taxCode: string; year: number }): Promise<Confirmation> {
  const rows = await companyGifts(db, input.taxCode,
    sql`c.received_at >= ${`${input.year}-01-01T00:00:00+07:00`}::timestamptz AND c.received_at < ${`${input.year + 1}-01-01T00:00:00+07:00`}::timestamptz`);
  if (rows.length === 0) {
    throw new DomainError(404, 'not_found', `Mã số thuế ${input.taxCode} không có khoản ủng hộ nào được ghi nhận trong năm ${input.year}.`, `Tax code ${input.taxCode} has no recorded gift in ${input.year}.`);
  }
  return assemble(db, input.taxCode, input.year, rows);
}

/** Each address may ask for a few confirmations at a time: guessing a tax code for a code is slow. */
export const confirmationLimiter = new RateLimiter(20, 10 * 60_000);
