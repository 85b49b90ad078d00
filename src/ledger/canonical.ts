// The one canonical serialisation of what the chain hashes: journal entries and public records.
// No Node imports: the server, the browser check and the standalone verifier all load this module,
// and the migration's ledger_canonical_tail() renders the same bytes in SQL (a property test holds them equal).

/** A value a public record may hold: plain JSON (amounts are whole đồng; a quantity of goods may be 1.5). */
export type PublicValue = string | number | boolean | null | PublicValue[] | { [key: string]: PublicValue };

// RFC 8785 (JCS): keys sorted by UTF-16 code units, no whitespace, ECMAScript string and number forms.
export function canonicalJson(value: PublicValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // JCS writes numbers as ECMAScript does (JSON.stringify); NaN and Infinity are not JSON.
    if (!Number.isFinite(value)) throw new TypeError(`a public record holds finite numbers only, not ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}

/** The text a commitment hashes: the salt (hex) followed by the canonical record. */
export function commitmentInput(saltHex: string, canonicalRecord: string): string {
  return `${saltHex}${canonicalRecord}`;
}

/** An entry as it is serialised: the lines already rendered as JSON arrays, joined by commas. */
export interface CanonicalParts {
  kind: string;
  occurredAtIso: string;
  description: string;
  contributionId: number | null;
  reversesEntryId: number | null;
  reason: string | null;
  /** sha256(salt ‖ public record) of the entry's public record; absent from entries posted before commitments. */
  commitment: string | null;
  linesJson: string;
}

// One line as `[account,house_id,area_id,contribution_id,amount_vnd]`, exactly as JSON.stringify writes it.
export function lineJson(account: string, houseId: number | null, areaId: number | null, contributionId: number | null, amountVnd: number): string {
  return `[${JSON.stringify(account)},${houseId ?? 'null'},${areaId ?? 'null'},${contributionId ?? 'null'},${amountVnd}]`;
}

// Fixed key order and plain JSON so any language (and the browser) can rebuild the same bytes. The
// tail is everything after the id, so the database can prepend the id it assigns. The commitment key
// appears only when there is one, so entries hashed before commitments existed keep their hashes.
export function canonicalTailOf(parts: CanonicalParts): string {
  return `"kind":${JSON.stringify(parts.kind)},"occurred_at":${JSON.stringify(parts.occurredAtIso)},`
    + `"description":${JSON.stringify(parts.description)},"contribution_id":${parts.contributionId ?? 'null'},`
    + `"reverses_entry_id":${parts.reversesEntryId ?? 'null'},"reason":${JSON.stringify(parts.reason)},`
    + `${parts.commitment === null ? '' : `"commitment":${JSON.stringify(parts.commitment)},`}"lines":[${parts.linesJson}]}`;
}

// The whole canonical entry: what the chain hashes after the previous hash and a newline.
export function canonicalEntryOf(id: number, parts: CanonicalParts): string {
  return `{"id":${id},${canonicalTailOf(parts)}`;
}
