// What the site and the open dataset show for an entry, as a record the chain commits to with a salt
// (sha256(salt ‖ canonical record)): a change to a published value anywhere is caught, and a record
// can be withdrawn from publication without breaking the chain. Private fields never appear here.
import { canonicalJson, type PublicValue } from './canonical';
import { LedgerRuleError } from './errors';

/** The fields each kind of record shows, and their types; ledger:verify renders the side tables through the same list. */
export const RECORD_FIELDS = {
  allocation: { amount_vnd: 'int', decision_ref: 'text', house_code: 'text', pool_key: 'text' },
  disbursement: { amount_vnd: 'int', house_code: 'text', purpose: 'text' },
  /** A house registered, as the site shows it; its minutes_ref is the commune's selection minutes. */
  house: { area_code: 'text', budget_vnd: 'int', code: 'text', housing_need: 'text', minutes_ref: 'text', poverty_status: 'text', type: 'text' },
  /** The head of household as shown: the full name while the household consents, initials otherwise. */
  consent: { head: 'text', house_code: 'text' },
  /** A stage reached and its date (yyyy-mm-dd). */
  stage: { house_code: 'text', on: 'text', stage: 'text' },
  /** A stage photo: its published file, size and the SHA-256 of the file's bytes. */
  photo: { file: 'text', height: 'int', house_code: 'text', sha256: 'text', stage: 'text', width: 'int' },
  state_payment: { amount_vnd: 'int', document_ref: 'text', house_code: 'text', paid_on: 'text' },
  /** The fund's own money moving between its accounts (payout, deposit) or to the bank (charge): never an account number or memo. */
  treasury: { amount_vnd: 'int', kind: 'text', occurred_at: 'text', reference: 'text' },
} as const satisfies Record<string, Record<string, FieldType>>;

export type FieldType = 'text' | 'int';
export type FlatRecordKind = keyof typeof RECORD_FIELDS;
/** Every kind of public record: the flat ones above, and a contribution as the open dataset shows it (with its goods or labour). */
export const RECORD_KINDS = [...Object.keys(RECORD_FIELDS) as FlatRecordKind[], 'contribution'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
type ValueOf<T extends FieldType> = T extends 'int' ? number : string;
export type RecordValues<K extends FlatRecordKind> = { [F in keyof (typeof RECORD_FIELDS)[K]]: ValueOf<(typeof RECORD_FIELDS)[K][F] & FieldType> | null };

/** The public record an entry carries into the posting path, which salts it and commits to it. */
export interface PublicRecordDraft {
  kind: RecordKind;
  /** What the record is about when it can be re-committed (a contribution's id); the entry itself otherwise. */
  subjectId: number | null;
  body: string;
}

// Builds the canonical record, refusing a field the kind does not list or a value of the wrong type.
export function publicRecord<K extends FlatRecordKind>(kind: K, values: RecordValues<K>): PublicRecordDraft {
  const fields: Record<string, FieldType> = RECORD_FIELDS[kind];
  for (const [name, value] of Object.entries(values)) {
    const type = fields[name];
    const fits = value === null || (type === 'int' ? Number.isSafeInteger(value) : typeof value === 'string');
    if (!type || !fits) {
      throw new LedgerRuleError('record_field', `Bản ghi công khai "${kind}" có trường không hợp lệ: ${name}.`, `Public record "${kind}" has an invalid field: ${name}.`);
    }
  }
  return { kind, subjectId: null, body: canonicalJson(values as Record<string, string | number | null>) };
}

// A record about a subject that outlives its entry (a house, a photo): later records of the same
// subject supersede it, and ledger:verify compares the subject's row with the latest one.
export function subjectRecord<K extends FlatRecordKind>(kind: K, subjectId: number, values: RecordValues<K>): PublicRecordDraft {
  return { ...publicRecord(kind, values), subjectId };
}

// A contribution's record: exactly the row the open dataset and the site show, less what the chain gives.
export function contributionRecord<T extends { id: number; entry_id: unknown; entry_hash: unknown; reversed_by_entry_id: unknown }>(shown: T): PublicRecordDraft {
  const { id, entry_id: _entry, entry_hash: _hash, reversed_by_entry_id: _reversed, ...fields } = shown;
  return { kind: 'contribution', subjectId: id, body: canonicalJson(fields as unknown as PublicValue) };
}
