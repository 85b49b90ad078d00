// The published public records (records.ndjson): each committed entry's record with its salt, or
// "withdrawn" with the commitment alone. No Node imports: the verifiers run this over downloaded files.
import { canonicalJson, commitmentInput, type PublicValue } from '../ledger/canonical';
import type { Sha256Hex } from './chain';
import type { HouseFunder, PublicAllocation, PublicContribution, PublicDisbursement, PublicHouse, PublicPhoto } from './format';
import { contributionRecord } from '../ledger/public-record';

export interface PublishedRecord {
  entry_id: number;
  kind: string;
  /** The contribution a record shows (a later record of the same subject supersedes it). */
  subject_id: number | null;
  salt: string;
  /** The record as shown; null once withdrawn from publication. */
  record: { [field: string]: PublicValue } | null;
  withdrawn_by_entry_id: number | null;
}

// Checks one published record against the commitment its entry carries in the chain.
export async function recordFault(published: PublishedRecord, commitment: string | undefined, sha256: Sha256Hex): Promise<string | undefined> {
  if (commitment === undefined) return `entry #${published.entry_id} carries no commitment for this record`;
  if (published.record === null) return published.withdrawn_by_entry_id === null ? 'the record is withdrawn without naming the entry that withdrew it' : undefined;
  const hash = await sha256(commitmentInput(published.salt, canonicalJson(published.record)));
  return hash === commitment ? undefined : 'the record does not match the commitment in the chain';
}

/** What a published allocation or payment line must show, given its committed record. */
export function lineFromRecord(line: PublicAllocation | PublicDisbursement, record: PublishedRecord['record']): string | undefined {
  if (record === null) return undefined;
  const shown: Record<string, PublicValue> = 'decision_ref' in line
    ? { amount_vnd: line.amount_vnd, decision_ref: line.decision_ref, house_code: line.house_code, pool: line.pool }
    : { amount_vnd: line.amount_vnd, house_code: line.house_code, purpose: line.purpose };
  const committed: Record<string, PublicValue> = { ...record };
  if ('pool_key' in committed) {
    committed.pool = committed.pool_key === 'general' ? 'general' : 'commune';
    delete committed.pool_key;
  }
  for (const [field, value] of Object.entries(shown)) {
    if (committed[field] !== value) return `${field} is ${JSON.stringify(value)}, the committed record says ${JSON.stringify(committed[field])}`;
  }
  return undefined;
}

// A published contribution against the latest record committed for it; withdrawn text never counts.
export function contributionFault(shown: PublicContribution, latest: PublishedRecord | undefined): string | undefined {
  if (!latest) return undefined;
  if (latest.record === null) return 'its latest record is withdrawn with nothing committed in its place';
  const now = contributionRecord(shown).body;
  const committed = canonicalJson(latest.record);
  return now === committed ? undefined : `shows ${now}, the committed record says ${committed}`;
}

// Photos are served by the same server as the site, at /photos/<stored name>.
export const photoPath = (storedName: string) => `/photos/${storedName}`;

/** The latest record of each subject (a house, its head of household, each stage, each photo), as the verifiers collect them. */
export interface HouseRecords {
  house: Map<number, PublishedRecord>;
  consent: Map<number, PublishedRecord>;
  /** Keyed `<house id>:<stage>`. */
  stage: Map<string, PublishedRecord>;
  /** Each house's photo records by house code and stage, in the order they were added. */
  photos: Map<string, PublishedRecord[]>;
}

// Gathers the latest record of each subject from records.ndjson, read in entry order.
export function houseRecordsOf(records: Iterable<PublishedRecord>): HouseRecords {
  const found: HouseRecords = { house: new Map(), consent: new Map(), stage: new Map(), photos: new Map() };
  for (const r of records) {
    if (r.subject_id === null) continue;
    if (r.kind === 'house') found.house.set(r.subject_id, r);
    else if (r.kind === 'consent') found.consent.set(r.subject_id, r);
    else if (r.kind === 'stage' && r.record) found.stage.set(`${r.subject_id}:${String(r.record.stage)}`, r);
    else if (r.kind === 'photo' && r.record) {
      const key = `${String(r.record.house_code)}:${String(r.record.stage)}`;
      found.photos.set(key, [...(found.photos.get(key) ?? []), r]);
    }
  }
  return found;
}

/** A difference between a published value and the record committing it, naming that record's entry. */
export interface RecordDifference {
  entryId: number | null;
  reason: string;
}

// The first field whose published value differs from the committed one.
function firstDifference(shown: Record<string, PublicValue>, committed: PublishedRecord['record']): string | undefined {
  for (const [field, value] of Object.entries(shown)) {
    if (canonicalJson(value) !== canonicalJson(committed?.[field] ?? null)) return `${field} is ${JSON.stringify(value)}, the committed record says ${JSON.stringify(committed?.[field] ?? null)}`;
  }
  return undefined;
}

// A house in houses.json against its committed registration, head of household, stage dates and photos.
export function houseDifference(house: PublicHouse, records: HouseRecords): RecordDifference | undefined {
  const registered = records.house.get(house.id);
  if (!registered?.record) return { entryId: registered?.entry_id ?? null, reason: `house ${house.code} has no committed registration` };
  const differs = firstDifference({
    area_code: house.area_code, budget_vnd: house.budget_vnd, code: house.code, housing_need: house.housing_need,
    minutes_ref: house.minutes_ref, poverty_status: house.poverty_status, type: house.type,
  }, registered.record);
  if (differs) return { entryId: registered.entry_id, reason: `house ${house.code}: ${differs}` };
  const consent = records.consent.get(house.id);
  const head = consent && firstDifference({ head: house.head }, consent.record);
  if (!consent || head) return { entryId: consent?.entry_id ?? null, reason: `house ${house.code}: ${head ?? 'no committed head of household'}` };
  for (const stage of house.stages) {
    const committed = records.stage.get(`${house.id}:${stage.stage}`);
    const on = committed?.record?.on ?? null;
    if (stage.on !== on) return { entryId: committed?.entry_id ?? null, reason: `house ${house.code}: stage ${stage.stage} is dated ${stage.on}, the committed records say ${on}` };
    const photos = records.photos.get(`${house.code}:${stage.stage}`) ?? [];
    const expected: PublicPhoto[] = photos.map((p) => ({ src: photoPath(String(p.record!.file)), width: Number(p.record!.width), height: Number(p.record!.height) }));
    if (canonicalJson(stage.photos as unknown as PublicValue) !== canonicalJson(expected as unknown as PublicValue)) {
      return { entryId: photos[0]?.entry_id ?? null, reason: `house ${house.code}: the photos of stage ${stage.stage} differ from the committed photo records` };
    }
  }
  return undefined;
}

// A gift's share listed on a house's page against the gift's latest committed record.
export function funderDifference(funder: HouseFunder, latest: PublishedRecord | undefined): string | undefined {
  if (!latest?.record) return undefined;
  return firstDifference({ receipt_code: funder.receipt_code, donor: funder.donor, kind: funder.kind, received_at: funder.received_at, items: funder.items as unknown as PublicValue, labour: funder.labour as unknown as PublicValue }, latest.record);
}

// Splits CSV text into its rows, each with its CRLF, keeping line breaks inside quoted fields.
export function* csvRows(text: string): Generator<string> {
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '\n') {
      yield text.slice(start, i + 1);
      start = i + 1;
    }
  }
  if (start < text.length) yield text.slice(start);
}
