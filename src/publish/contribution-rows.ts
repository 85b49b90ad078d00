// One query shape and one privacy-filtered mapping for contributions, shared by the export and the
// live search and lookup, so the site and the endpoints can never show different fields.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '../../db/client';
import type { PublicContribution } from './format';
import { publicDonorName, publicFee, publicItems, publicLabour } from './privacy';

const n = (value: unknown) => Number(value ?? 0);

// Selects contributions (alias c) with their donor's public fields, target codes, journal entry and reversal.
// A contribution posts exactly one entry of its own (allocations carry no contribution_id); only a reversal shares it.
export async function selectContributions(db: Db | Tx, where: SQL, tail: SQL): Promise<PublicContribution[]> {
  const rows = await queryRows(db, sql`
    SELECT c.id, c.receipt_code, c.received_at, c.kind, c.channel, c.amount_vnd, c.target_type, c.details,
           h.public_code AS house_code, a.code AS area_code, d.display_name, d.anonymous, d.kind AS donor_kind,
           e.id AS entry_id, e.hash AS entry_hash, r.id AS reversed_by
    FROM contributions c
    JOIN donors d ON d.id = c.donor_id
    LEFT JOIN houses h ON h.id = c.target_house_id
    LEFT JOIN areas a ON a.id = c.target_area_id
    LEFT JOIN journal_entries e ON e.contribution_id = c.id AND e.kind <> 'reversal'
    LEFT JOIN journal_entries r ON r.reverses_entry_id = e.id
    WHERE ${where}
    ${tail}`);
  return rows.map(toPublicContribution);
}

// The privacy filter for one row: the donor's public name only; details reduced to goods, labour and the card fee.
export function toPublicContribution(row: Record<string, unknown>): PublicContribution {
  return {
    id: n(row.id),
    receipt_code: String(row.receipt_code),
    received_at: new Date(row.received_at as string | Date).toISOString(),
    donor: publicDonorName({ anonymous: Boolean(row.anonymous), displayName: (row.display_name as string | null) ?? null }),
    donor_kind: row.donor_kind as PublicContribution['donor_kind'],
    kind: row.kind as PublicContribution['kind'],
    channel: (row.channel as PublicContribution['channel']) ?? null,
    amount_vnd: n(row.amount_vnd),
    fee_vnd: publicFee(row.details),
    target: row.target_type as PublicContribution['target'],
    house_code: (row.house_code as string | null) ?? null,
    area_code: (row.area_code as string | null) ?? null,
    entry_id: row.entry_id === null || row.entry_id === undefined ? null : n(row.entry_id),
    entry_hash: (row.entry_hash as string | null) ?? null,
    reversed_by_entry_id: row.reversed_by === null || row.reversed_by === undefined ? null : n(row.reversed_by),
    items: row.kind === 'in_kind' ? publicItems(row.details) : null,
    labour: row.kind === 'labour' ? publicLabour(row.details) : null,
  };
}
