// One household, one house code: a national ID already registered in the campaign is refused, and a
// head of household with the same name in the same commune needs the recorder's confirmation that it
// is another family. The refusal names the house already registered, so the recorder can open it.
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { DomainError } from './errors';

export interface HouseholdCandidate {
  areaId: number;
  headFullName: string;
  nationalId: string | null;
  confirmedNotDuplicate: boolean;
}

export interface RegisteredHousehold {
  houseId: number;
  publicCode: string;
  headFullName: string;
  areaId: number;
  areaName: string;
  nationalId: string | null;
}

export type DuplicateKind = 'national_id' | 'name_in_commune';

export interface DuplicateMatch {
  kind: DuplicateKind;
  existing: RegisteredHousehold;
}

// Names compare without case, extra spaces or Unicode form differences ("Nông  văn Một" = "Nông Văn Một").
export function normaliseName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
}

// Pure: which registered households a new one collides with (an ID match is reported alone).
export function duplicatesOf(candidate: HouseholdCandidate, registered: readonly RegisteredHousehold[]): DuplicateMatch[] {
  const byId = candidate.nationalId ? registered.filter((r) => r.nationalId === candidate.nationalId) : [];
  if (byId.length > 0) return byId.map((existing) => ({ kind: 'national_id', existing }));
  if (candidate.confirmedNotDuplicate) return [];
  const name = normaliseName(candidate.headFullName);
  return registered.filter((r) => r.areaId === candidate.areaId && normaliseName(r.headFullName) === name)
    .map((existing) => ({ kind: 'name_in_commune', existing }));
}

// Serialises registrations that could collide (same commune, same ID) until the transaction ends,
// then reads the campaign's households that share a commune or an ID with the candidates.
export async function registeredLike(tx: Tx, campaignId: number, candidates: readonly HouseholdCandidate[]): Promise<RegisteredHousehold[]> {
  const areaIds = [...new Set(candidates.map((c) => c.areaId))].sort((a, b) => a - b);
  const ids = [...new Set(candidates.map((c) => c.nationalId).filter((v): v is string => !!v))].sort();
  const locks = [...ids.map((id) => `household:id:${id}`), ...areaIds.map((id) => `household:area:${campaignId}:${id}`)];
  for (const lock of locks) await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${lock}))`);
  if (candidates.length === 0) return [];
  const rows = await queryRows<{ house_id: number; public_code: string; head_full_name: string; area_id: number; area_name: string; national_id: string | null }>(tx, sql`
    SELECT h.id AS house_id, h.public_code, d.head_full_name, d.area_id, a.name AS area_name, d.national_id
    FROM houses h JOIN households d ON d.id = h.household_id JOIN areas a ON a.id = d.area_id
    WHERE h.campaign_id = ${campaignId}
      AND (d.area_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(areaIds)}::jsonb)::integer)
           OR d.national_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))
    ORDER BY h.id`);
  return rows.map((r) => ({ houseId: Number(r.house_id), publicCode: r.public_code, headFullName: r.head_full_name, areaId: Number(r.area_id), areaName: r.area_name, nationalId: r.national_id }));
}

// The refusal for a collision, Vietnamese first, with the existing houses to link to.
export function duplicateRefusal(matches: readonly DuplicateMatch[]): DomainError {
  const byId = matches[0]!.kind === 'national_id';
  const codes = matches.map((m) => m.existing.publicCode).join(', ');
  const existing = matches.map(({ existing: e }) => ({
    vi: `${e.publicCode} — ${e.headFullName}, ${e.areaName}`, en: `${e.publicCode} — ${e.headFullName}, ${e.areaName}`, link: `/staff/houses/${e.houseId}`,
  }));
  return byId
    ? new DomainError(409, 'duplicate_national_id', `Số CCCD này đã được đăng ký cho nhà ${codes}; một hộ chỉ có một mã nhà. Hãy mở nhà đã có thay vì đăng ký lại.`,
      `This national ID is already registered for house ${codes}; a household has one house code. Open the existing house instead.`, { field: 'nationalId', existing })
    : new DomainError(409, 'possible_duplicate', `Xã này đã có chủ hộ cùng tên (nhà ${codes}). Nếu đây là một hộ khác, hãy đánh dấu "Đây là hộ khác" và gửi lại.`,
      `This commune already has a head of household with this name (house ${codes}). If this is another family, tick "This is another household" and submit again.`, { field: 'headFullName', existing });
}
