// The journal as published: one NDJSON line per entry, exactly the ledger's canonical form plus its
// prev_hash and hash. No Node imports: the open-data page runs this in the browser with Web Crypto.
import { canonicalEntryOf, lineJson } from '../ledger/canonical';
import type { EntryDraft, PostedEntry } from '../ledger/entry';
import { headlineFromBalances } from '../ledger/headline';
import type { DatasetTotals } from './format';

export const GENESIS = '0'.repeat(64);

export type RecordLine = [account: string, houseId: number | null, areaId: number | null, contributionId: number | null, amountVnd: number];

export interface JournalRecord {
  id: number;
  kind: string;
  occurred_at: string;
  description: string;
  contribution_id: number | null;
  reverses_entry_id: number | null;
  reason: string | null;
  /** sha256(salt ‖ public record), when the entry commits to one (published in records.ndjson). */
  commitment?: string;
  lines: RecordLine[];
  prev_hash: string;
  hash: string;
}

// The bytes that were hashed, rebuilt from a record's own fields by the one canonical module.
export function canonicalOfRecord(record: JournalRecord): string {
  return canonicalEntryOf(record.id, {
    kind: record.kind,
    occurredAtIso: record.occurred_at,
    description: record.description,
    contributionId: record.contribution_id,
    reversesEntryId: record.reverses_entry_id,
    reason: record.reason,
    commitment: record.commitment ?? null,
    linesJson: record.lines.map((l) => lineJson(...l)).join(','),
  });
}

// A posted entry as its published record (the NDJSON line is JSON.stringify of this).
export function recordOfEntry(entry: PostedEntry): JournalRecord {
  return {
    id: entry.id,
    kind: entry.kind,
    occurred_at: entry.occurredAt.toISOString(),
    description: entry.description,
    contribution_id: entry.contributionId,
    reverses_entry_id: entry.reversesEntryId,
    reason: entry.reason,
    ...(entry.commitment ? { commitment: entry.commitment } : {}),
    lines: entry.lines.map((l) => [l.account, l.houseId, l.areaId, l.contributionId, l.amountVnd]),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  };
}

// The lines as the ledger's rules read them, for recomputing house counters from a download.
export function linesOfRecord(record: JournalRecord): EntryDraft['lines'] {
  return record.lines.map(([account, houseId, areaId, contributionId, amountVnd]) => ({
    account: account as EntryDraft['lines'][number]['account'], houseId, areaId, contributionId, amountVnd,
  }));
}

/** SHA-256 of a UTF-8 string as lowercase hex: node:crypto on the command line, Web Crypto in a browser. */
export type Sha256Hex = (text: string) => Promise<string> | string;

export interface ChainState {
  count: number;
  headHash: string;
  balances: Map<string, bigint>;
}

export interface ChainFault {
  entryId: number | null;
  reason: string;
}

export function startChain(): ChainState {
  return { count: 0, headHash: GENESIS, balances: new Map() };
}

// Checks one record against the chain so far and folds it in; returns the fault, if any. A caller that
// needs the canonical text too (the Merkle leaf) passes it in, so a million entries render it once each;
// with a synchronous SHA-256 the answer is synchronous too (no promise per entry).
export function checkRecord(state: ChainState, record: JournalRecord, sha256: (text: string) => string, canonical?: string): ChainFault | undefined;
export function checkRecord(state: ChainState, record: JournalRecord, sha256: Sha256Hex, canonical?: string): Promise<ChainFault | undefined> | ChainFault | undefined;
export function checkRecord(state: ChainState, record: JournalRecord, sha256: Sha256Hex, canonical = canonicalOfRecord(record)): Promise<ChainFault | undefined> | ChainFault | undefined {
  const expectedId = state.count + 1;
  if (record.id !== expectedId) return { entryId: record.id, reason: `expected entry #${expectedId} next, found #${record.id}` };
  if (record.prev_hash !== state.headHash) return { entryId: record.id, reason: 'prev_hash does not match the hash of the entry before it' };
  const hash = sha256(`${state.headHash}\n${canonical}`);
  return typeof hash === 'string' ? foldRecord(state, record, hash) : hash.then((known) => foldRecord(state, record, known));
}

// The checks that follow the entry's hash (the hash itself, whole đồng, balanced lines), then the fold.
function foldRecord(state: ChainState, record: JournalRecord, hash: string): ChainFault | undefined {
  if (hash !== record.hash) return { entryId: record.id, reason: 'hash does not match the entry content' };
  let sum = 0n;
  for (const [account, , , , amountVnd] of record.lines) {
    if (!Number.isSafeInteger(amountVnd)) return { entryId: record.id, reason: `line amount ${amountVnd} is not whole đồng` };
    state.balances.set(account, (state.balances.get(account) ?? 0n) + BigInt(amountVnd));
    sum += BigInt(amountVnd);
  }
  if (sum !== 0n) return { entryId: record.id, reason: `the entry is off by ${sum} đồng` };
  state.count = record.id;
  state.headHash = record.hash;
  return undefined;
}

export function balancesOf(state: ChainState): Record<string, number> {
  return Object.fromEntries([...state.balances].sort(([a], [b]) => a.localeCompare(b)).map(([account, sum]) => [account, Number(sum)]));
}

// Compares what the journal adds up to with what the checkpoint claims; names the first difference.
export function compareWithCheckpoint(
  state: ChainState,
  checkpoint: { entry_count: number; head_hash: string; account_balances: Record<string, number>; totals: DatasetTotals },
): ChainFault | undefined {
  if (state.count !== checkpoint.entry_count || state.headHash !== checkpoint.head_hash) {
    return { entryId: null, reason: `the checkpoint says ${checkpoint.entry_count} entries ending ${checkpoint.head_hash}, the journal has ${state.count} ending ${state.headHash}` };
  }
  const balances = balancesOf(state);
  const accounts = new Set([...Object.keys(balances), ...Object.keys(checkpoint.account_balances)]);
  for (const account of accounts) {
    if ((balances[account] ?? 0) !== (checkpoint.account_balances[account] ?? 0)) {
      return { entryId: null, reason: `account ${account}: the journal sums to ${balances[account] ?? 0}, the checkpoint says ${checkpoint.account_balances[account] ?? 0}` };
    }
  }
  const totals = headlineFromBalances(balances);
  for (const [name, value] of Object.entries(totals) as [keyof DatasetTotals, number][]) {
    if (checkpoint.totals[name] !== value) return { entryId: null, reason: `total ${name}: the journal gives ${value}, the checkpoint says ${checkpoint.totals[name]}` };
  }
  return undefined;
}
