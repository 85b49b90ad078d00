// What the site and the open dataset show for an entry, as a record the chain commits to with a salt
// (sha256(salt ‖ canonical record)): a change to a published value anywhere is caught, and a record
// can be withdrawn from publication without breaking the chain. Private fields never appear here.
import { canonicalJson } from './canonical';
import { LedgerRuleError } from './errors';

/** The fields each kind of record shows, and their types; ledger:verify renders the side tables through the same list. */
export const RECORD_FIELDS = {
  allocation: { amount_vnd: 'int', decision_ref: 'text', house_code: 'text', pool_key: 'text' },
  disbursement: { amount_vnd: 'int', house_code: 'text', purpose: 'text' },
} as const satisfies Record<string, Record<string, FieldType>>;

export type FieldType = 'text' | 'int';
export type RecordKind = keyof typeof RECORD_FIELDS;
type ValueOf<T extends FieldType> = T extends 'int' ? number : string;
export type RecordValues<K extends RecordKind> = { [F in keyof (typeof RECORD_FIELDS)[K]]: ValueOf<(typeof RECORD_FIELDS)[K][F] & FieldType> | null };

/** The public record an entry carries into the posting path, which salts it and commits to it. */
export interface PublicRecordDraft {
  kind: RecordKind;
  body: string;
}

// Builds the canonical record, refusing a field the kind does not list or a value of the wrong type.
export function publicRecord<K extends RecordKind>(kind: K, values: RecordValues<K>): PublicRecordDraft {
  const fields: Record<string, FieldType> = RECORD_FIELDS[kind];
  for (const [name, value] of Object.entries(values)) {
    const type = fields[name];
    const fits = value === null || (type === 'int' ? Number.isSafeInteger(value) : typeof value === 'string');
    if (!type || !fits) {
      throw new LedgerRuleError('record_field', `Bản ghi công khai "${kind}" có trường không hợp lệ: ${name}.`, `Public record "${kind}" has an invalid field: ${name}.`);
    }
  }
  return { kind, body: canonicalJson(values as Record<string, string | number | null>) };
}
