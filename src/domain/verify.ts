// Recomputes the hash chain, every entry's balance and every counter from the journal alone.
// The database renders each entry's lines and sums them, so a million entries stream through in
// seconds; the hashing and the comparisons happen here.
import { sql } from 'drizzle-orm';
import { queryRows, serverClientOf, type Db, type Tx } from '../../db/client';
import { GENESIS_HASH, verifyChain, type ChainLink } from '../ledger/hash';
import { contributionMismatch, recordMismatch } from './public-records';

export interface VerifyReport {
  ok: boolean;
  entries: number;
  headHash: string;
  /** The first thing that does not check out, naming the entry where there is one. */
  fault?: { entryId: number | null; reason: string };
}

interface EntryRow extends Record<string, unknown> {
  id: string | number;
  kind: string;
  prev_hash: string;
  hash: string;
  line_count: string | number;
  total_vnd: string | number | null;
  zero_lines: string | number;
  tail: string;
}

/** An entry as the verify reads it: its chain link and what its lines add up to. */
type CheckedRow = ChainLink & { kind: string; lineCount: number; totalVnd: number; zeroLines: number };

// The entries with afterId < id <= upTo (the first `limit` of them), each rendered by the database as
// its canonical tail (ledger_canonical_tail(), the SQL rendering of src/ledger/canonical.ts, so a million
// rows need not be rebuilt in JavaScript), with its lines aggregated over one range scan of their
// primary key. The ids are checked integers, inlined so one text serves every batch.
function renderedEntries(afterId: number, upTo: number, limit?: number): string {
  for (const n of [afterId, upTo, limit ?? 0]) if (!Number.isSafeInteger(n)) throw new TypeError(`not an entry id: ${n}`);
  // A subquery, not a CTE, so the planner knows the rows come in id order and merges without sorting;
  // lines rendered by concatenation, which is cheaper per row than format().
  const entries = `(SELECT * FROM journal_entries WHERE id > ${afterId} AND id <= ${upTo} ORDER BY id${limit === undefined ? '' : ` LIMIT ${limit}`})`;
  return `
    SELECT e.id, e.kind, e.prev_hash, e.hash,
           coalesce(l.line_count, 0) AS line_count, l.total_vnd, coalesce(l.zero_lines, 0) AS zero_lines,
           ledger_canonical_tail(e.kind, e.occurred_at, e.description, e.contribution_id, e.reverses_entry_id, e.reason, e.commitment, l.lines_json) AS tail
    FROM ${entries} e
    LEFT JOIN (
      SELECT entry_id,
             string_agg('[' || to_json(account)::text || ',' || coalesce(house_id::text, 'null') || ',' || coalesce(area_id::text, 'null')
               || ',' || coalesce(contribution_id::text, 'null') || ',' || amount_vnd::text || ']', ',' ORDER BY line_no) AS lines_json,
             count(*) AS line_count, sum(amount_vnd) AS total_vnd, count(*) FILTER (WHERE amount_vnd = 0) AS zero_lines
      FROM journal_lines WHERE entry_id > ${afterId} AND entry_id <= ${limit === undefined ? upTo : `(SELECT max(id) FROM ${entries} m)`} GROUP BY entry_id) l ON l.entry_id = e.id
    ORDER BY e.id`;
}

// A record entry moves no money and has no lines; any other needs two or more that sum to zero.
function balanceFault(kind: string, lineCount: number, totalVnd: number, zeroLines: number): string | undefined {
  const lineCountOk = kind === 'record' ? lineCount === 0 : lineCount >= 2;
  return lineCountOk && zeroLines === 0 && totalVnd === 0 ? undefined : `entry does not balance (${lineCount} lines, sum ${totalVnd} đồng)`;
}

// Counters the journal implies, side by side with the stored ones: the SQL mirror of
// src/ledger/effects.ts (the test suite checks the two agree on the demo data).
export async function counterMismatch(db: Db | Tx): Promise<string | undefined> {
  const [house] = await queryRows<Record<string, string | number>>(db, sql`
    SELECT h.public_code, h.allocated_vnd, h.cash_allocated_vnd, h.disbursed_vnd, h.state_allocated_vnd, h.state_paid_vnd,
           coalesce(j.allocated, 0) AS j_allocated, coalesce(j.cash, 0) AS j_cash, coalesce(j.disbursed, 0) AS j_disbursed,
           coalesce(j.state, 0) AS j_state, coalesce(j.state_paid, 0) AS j_state_paid
    FROM houses h LEFT JOIN (
      SELECT house_id,
             -sum(amount_vnd) FILTER (WHERE account IN ('house_cash', 'house_in_kind', 'house_state')) AS allocated,
             -sum(amount_vnd) FILTER (WHERE account = 'house_cash') AS cash,
             sum(amount_vnd) FILTER (WHERE account = 'house_paid') AS disbursed,
             -sum(amount_vnd) FILTER (WHERE account = 'house_state') AS state,
             sum(amount_vnd) FILTER (WHERE account = 'house_state_paid') AS state_paid
      FROM journal_lines WHERE house_id IS NOT NULL GROUP BY house_id) j ON j.house_id = h.id
    WHERE (h.allocated_vnd, h.cash_allocated_vnd, h.disbursed_vnd, h.state_allocated_vnd, h.state_paid_vnd)
      IS DISTINCT FROM (coalesce(j.allocated, 0), coalesce(j.cash, 0), coalesce(j.disbursed, 0), coalesce(j.state, 0), coalesce(j.state_paid, 0))
    LIMIT 1`);
  if (house) {
    const stored = [house.allocated_vnd, house.cash_allocated_vnd, house.disbursed_vnd, house.state_allocated_vnd, house.state_paid_vnd].join('/');
    const journal = [house.j_allocated, house.j_cash, house.j_disbursed, house.j_state, house.j_state_paid].join('/');
    return `house ${house.public_code} counters (${stored}) differ from the journal (${journal})`;
  }
  const [lot] = await queryRows<Record<string, string | number | null>>(db, sql`
    WITH journal AS (
      SELECT CASE WHEN account = 'pool_general' THEN 'general' ELSE 'commune:' || area_id END AS pool_key,
             contribution_id, -sum(amount_vnd) AS remaining
      FROM journal_lines WHERE account IN ('pool_general', 'pool_commune') AND contribution_id IS NOT NULL
      GROUP BY 1, 2)
    SELECT coalesce(j.pool_key, p.pool_key) AS pool_key, coalesce(j.contribution_id, p.contribution_id) AS contribution_id,
           p.remaining_vnd AS stored, j.remaining AS journal
    FROM journal j FULL JOIN pool_lots p ON p.pool_key = j.pool_key AND p.contribution_id = j.contribution_id
    WHERE p.remaining_vnd IS DISTINCT FROM j.remaining
    LIMIT 1`);
  if (lot) {
    return `pool ${lot.pool_key} lot of contribution #${lot.contribution_id} holds ${lot.stored ?? 'nothing'}, the journal says ${lot.journal ?? 'nothing'}`;
  }
  // One scan of the lines for all cash accounts; a correlated sum per account scanned them twice each.
  const [cash] = await queryRows<Record<string, string | number>>(db, sql`
    SELECT c.account, c.balance_vnd, coalesce(j.total, 0) AS journal
    FROM cash_balances c LEFT JOIN (
      SELECT account, sum(amount_vnd) AS total FROM journal_lines
      WHERE account IN (SELECT account FROM cash_balances) GROUP BY account) j ON j.account = c.account
    WHERE c.balance_vnd <> coalesce(j.total, 0)
    LIMIT 1`);
  if (cash) return `${cash.account} balance ${cash.balance_vnd} differs from the journal (${cash.journal})`;
  return undefined;
}

// One read-only snapshot, so postings that continue meanwhile neither break nor slip into the check.
// On PostgreSQL the journal is cut into segments read on parallel connections that share that
// snapshot (pg_export_snapshot), so the server renders several ranges at once while this process
// hashes; each link is checked against its own prev_hash, and the segments are stitched at the seams.
// Batches of 4,000 rows die young in the garbage collector; batches of 20,000 outlived it and cost
// this process 14% more CPU and twice the memory over a million entries.
export function verifyLedger(db: Db, onProgress?: (entries: number) => void, batchSize = 4_000, segments = 3): Promise<VerifyReport> {
  return db.transaction(async (tx) => {
    await tuneForVerify(tx);
    const [{ max_id: maxId, snapshot } = { max_id: 0, snapshot: null }] = await queryRows<{ max_id: string | number | null; snapshot: string | null }>(tx, sql`
      SELECT (SELECT max(id) FROM journal_entries) AS max_id, ${isPglite(db) ? sql`NULL` : sql`pg_export_snapshot()`} AS snapshot`);
    const last = Number(maxId ?? 0);
    // Reading side by side needs pooled connections besides this one: one for the totals, one per further segment.
    const spare = (serverClientOf(db)?.options.max ?? 1) - 1;
    const parallel = snapshot !== null && spare >= 1;
    const parts = !parallel || last < batchSize * 2 ? 1 : Math.min(segments, spare);
    const bounds = Array.from({ length: parts }, (_, k) => Math.floor((last * k) / parts));
    const counted = new Array<number>(parts).fill(0);
    const report = (k: number, entries: number) => {
      counted[k] = entries;
      onProgress?.(counted.reduce((a, b) => a + b, 0));
    };
    // The counters and records are checked meanwhile in the same snapshot; their fault is named only
    // once the chain itself has checked out, as when they ran after it.
    const totals = parallel ? inSnapshot(db, snapshot, totalsFault) : undefined;
    totals?.catch(() => undefined); // awaited in finishVerify; a segment failing first must not leave it unhandled
    const results = await Promise.all(bounds.map((after, k) => {
      const upTo = k === parts - 1 ? Number.MAX_SAFE_INTEGER : bounds[k + 1]!;
      const onSegmentProgress = (n: number) => report(k, n - after);
      if (k === 0) return checkSegment(batchesOf(tx, after, upTo, batchSize), after, onSegmentProgress);
      // Each further segment reads on its own connection, in the same snapshot as the first.
      return inSnapshot(db, snapshot!, (other) => checkSegment(batchesOf(other, after, upTo, batchSize), after, onSegmentProgress));
    }));
    return finishVerify(tx, results, totals ?? totalsFault(tx));
  }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

// Work on another pooled connection that sees exactly what the verify's first connection sees.
function inSnapshot<T>(db: Db, snapshot: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (other) => {
    await other.execute(sql.raw(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, '')}'`));
    await tuneForVerify(other);
    return work(other);
  }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

// Only a pool of server connections can read segments side by side; PGlite has one connection.
function isPglite(db: Db): boolean {
  return db.constructor.name !== 'PostgresJsDatabase';
}

// jit off: these queries are cheap per row but look costly to the planner, and compiling them would cost
// more; work_mem: a batch's rows sort in memory rather than spilling to disk.
const VERIFY_SETTINGS = ['SET LOCAL jit = off', "SET LOCAL work_mem = '64MB'"];

async function tuneForVerify(tx: Tx): Promise<void> {
  for (const setting of VERIFY_SETTINGS) await tx.execute(sql.raw(setting));
}

interface Segment {
  /** prev_hash of the segment's first entry, checked against the end of the segment before it. */
  firstId: number | null;
  firstPrevHash: string | null;
  end: { count: number; headHash: string };
  fault?: { entryId: number; reason: string };
}

// Checks a segment's entries as they stream in, batch by batch: balance, position and hash, each link
// against its own prev_hash. After a fault the rest is read but not checked, so the reader ends cleanly.
async function checkSegment(batches: AsyncIterable<CheckedRow[]>, after: number, onProgress: (count: number) => void): Promise<Segment> {
  const segment: Segment = { firstId: null, firstPrevHash: null, end: { count: after, headHash: '' } };
  for await (const rows of batches) {
    if (segment.fault || rows.length === 0) continue;
    if (segment.firstId === null) {
      segment.firstId = rows[0]!.id;
      segment.firstPrevHash = rows[0]!.prevHash;
      segment.end.headHash = rows[0]!.prevHash;
    }
    const unbalanced = rows.find((row) => balanceFault(row.kind, row.lineCount, row.totalVnd, row.zeroLines));
    const step = verifyChain(unbalanced ? rows.slice(0, rows.indexOf(unbalanced)) : rows, segment.end).next();
    if (!step.done) segment.fault = step.value;
    else if (unbalanced) segment.fault = { entryId: unbalanced.id, reason: balanceFault(unbalanced.kind, unbalanced.lineCount, unbalanced.totalVnd, unbalanced.zeroLines)! };
    else {
      segment.end = step.value;
      onProgress(segment.end.count);
    }
  }
  return segment;
}

// The segment in batches of rendered rows, the next asked for while this one is checked.
async function* batchesOf(tx: Tx, after: number, upTo: number, batchSize: number): AsyncGenerator<CheckedRow[]> {
  const fetch = (afterId: number) => queryRows<EntryRow>(tx, sql.raw(renderedEntries(afterId, upTo, batchSize))).then((rows) => rows.map((row) => ({
    id: Number(row.id), kind: row.kind, prevHash: row.prev_hash, hash: row.hash, tail: row.tail,
    lineCount: Number(row.line_count), totalVnd: Number(row.total_vnd ?? 0), zeroLines: Number(row.zero_lines),
  })));
  let next = fetch(after);
  try {
    for (;;) {
      const rows = await next;
      if (rows.length === 0) return;
      next = fetch(rows.at(-1)!.id);
      yield rows;
    }
  } finally {
    await next.catch(() => undefined);
  }
}

type TotalsFault = { entryId: number | null; reason: string } | undefined;

// The counters, then the published records, against the journal.
async function totalsFault(tx: Tx): Promise<TotalsFault> {
  const mismatch = await counterMismatch(tx);
  if (mismatch) return { entryId: null, reason: mismatch };
  return (await recordMismatch(tx)) ?? (await contributionMismatch(tx));
}

// Stitches the segments in order (each must start where the one before ended), then the chain head and the counters.
async function finishVerify(tx: Tx, segments: Segment[], totals: Promise<TotalsFault>): Promise<VerifyReport> {
  // Awaited first, so no check outlives the snapshot whatever is reported.
  const totalsFound = await totals;
  let position = { count: 0, headHash: GENESIS_HASH };
  const fail = (entryId: number | null, reason: string): VerifyReport => ({ ok: false, entries: position.count, headHash: position.headHash, fault: { entryId, reason } });
  for (const segment of segments) {
    if (segment.firstId !== null) {
      if (segment.firstId !== position.count + 1) return fail(segment.firstId, `expected entry #${position.count + 1} next, found #${segment.firstId}`);
      if (segment.firstPrevHash !== position.headHash) return fail(segment.firstId, 'prev_hash does not match the hash of the entry before it');
    }
    if (segment.fault) return fail(segment.fault.entryId, segment.fault.reason);
    if (segment.firstId !== null) position = segment.end;
  }
  const [head] = await queryRows<{ entry_count: string | number; head_hash: string }>(tx, sql`SELECT entry_count, head_hash FROM chain_head`);
  if (!head || Number(head.entry_count) !== position.count || head.head_hash !== position.headHash) {
    return fail(null, `chain head says ${head?.entry_count} entries ending ${head?.head_hash}, the journal has ${position.count} ending ${position.headHash}`);
  }
  if (totalsFound) return fail(totalsFound.entryId, totalsFound.reason);
  return { ok: true, entries: position.count, headHash: position.headHash };
}
