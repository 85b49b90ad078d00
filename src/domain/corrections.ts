// Mistakes are corrected by a reversing entry that names what it reverses and why; nothing is edited.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Tx, type Db } from '../../db/client';
import { reversalOf, type PostedEntry } from '../ledger/entry';
import type { AccountCode } from '../ledger/accounts';
import { DomainError, notFound } from './errors';
import { lockCounters, postEntry, runOnce, type Outcome } from './journal';
import { effectsOf } from '../ledger/effects';
import { assertEffectsAllowed } from '../ledger/rules';
import { correctionDecisionInput, correctionRequestInput, entrySearchInput, reversalInput } from './schemas';
import { parseInput } from './validate';

const { journalEntries, journalLines, correctionRequests } = schema;

export async function loadEntry(tx: Tx | Db, entryId: number): Promise<PostedEntry | undefined> {
  const [entry] = await tx.select().from(journalEntries).where(eq(journalEntries.id, entryId));
  if (!entry) return undefined;
  const lines = await tx.select().from(journalLines).where(eq(journalLines.entryId, entryId)).orderBy(asc(journalLines.lineNo));
  return { ...entry, lines: lines.map((l) => ({ ...l, account: l.account as AccountCode })), kind: entry.kind as PostedEntry['kind'] };
}

export async function reverseEntry(db: Db, raw: unknown): Promise<Outcome<{ entryId: number; reversesEntryId: number }>> {
  const input = parseInput(reversalInput, raw);
  const { idempotencyKey, ...request } = input;
  return runOnce(db, idempotencyKey, request, (tx) => postReversal(tx, input));
}

// The reversal itself, inside the caller's transaction: a direct correction or an approved request.
async function postReversal(tx: Tx, input: { entryId: number; reason: string; requestedBy: string; occurredAt: Date }) {
  // Two reversals of one entry queue on its row, so the second sees the first and is refused as
  // already reversed (not with whatever counter the duplicate would have overdrawn).
  await tx.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.id, input.entryId)).for('no key update');
  const original = await loadEntry(tx, input.entryId);
  if (!original) throw notFound(`bút toán #${input.entryId}`, `Entry #${input.entryId}`);
  const [already] = await tx.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.reversesEntryId, original.id));
  if (already) {
    throw new DomainError(409, 'already_reversed', `Bút toán #${original.id} đã được đảo bởi #${already.id}.`,
      `Entry #${original.id} was already reversed by #${already.id}.`);
  }
  const draft = reversalOf(original, `${input.reason} (${input.requestedBy})`, input.occurredAt);
  const effects = effectsOf(draft.lines);
  // The same rule the in-memory book applies, over the rows the reversal changes, locked.
  assertEffectsAllowed(await lockCounters(tx, effects), effects);
  const entry = await postEntry(tx, draft);
  return { entryId: entry.id, reversesEntryId: original.id };
}

export interface FoundEntry { id: number; occurredAt: Date; kind: string; description: string; matchedBy: 'number' | 'receipt' | 'house' | 'donor' }

// Staff hold a receipt, a house code or a donor's name (or privately their tax code, phone or email)
// more often than an entry number; each finds the entries it names, newest first. Private fields are
// matched exactly and never returned.
export async function findEntries(db: Db | Tx, raw: unknown): Promise<FoundEntry[]> {
  const text = parseInput(entrySearchInput, raw).trim();
  const number = /^#?\d{1,15}$/.test(text) ? Number(text.replace('#', '')) : null;
  const code = text.toUpperCase();
  const digits = text.replace(/[^0-9+]/g, '');
  const name = `%${text.replace(/[%_\\]/g, '\\$&')}%`;
  const rows = await queryRows<{ id: string; occurred_at: Date | string; kind: string; description: string; matched_by: FoundEntry['matchedBy'] }>(db, sql`
    WITH hits AS (
      SELECT e.id, 'number' AS matched_by, 1 AS rank FROM journal_entries e WHERE e.id = ${number}
      UNION ALL
      SELECT e.id, 'receipt', 2 FROM journal_entries e JOIN contributions c ON c.id = e.contribution_id WHERE c.receipt_code = ${code}
      UNION ALL
      SELECT DISTINCT l.entry_id, 'house', 3 FROM journal_lines l JOIN houses h ON h.id = l.house_id WHERE h.public_code = ${code}
      UNION ALL
      SELECT e.id, 'donor', 4 FROM journal_entries e JOIN contributions c ON c.id = e.contribution_id JOIN donors d ON d.id = c.donor_id
      WHERE d.display_name ILIKE ${name} OR d.tax_code = ${text} OR regexp_replace(d.phone, '[^0-9+]', '', 'g') = ${digits || null}
        OR lower(d.email) = lower(${text})
    )
    SELECT e.id, e.occurred_at, e.kind, e.description, h.matched_by
    FROM (SELECT DISTINCT ON (id) id, matched_by, rank FROM hits ORDER BY id, rank) h JOIN journal_entries e ON e.id = h.id
    ORDER BY h.rank, e.id DESC LIMIT 50`);
  return rows.map((r) => ({ id: Number(r.id), occurredAt: new Date(r.occurred_at), kind: r.kind, description: r.description, matchedBy: r.matched_by }));
}

// A recorder asks, in words, for an entry to be corrected; an approver decides. Nothing moves yet.
export async function fileCorrectionRequest(db: Db, raw: unknown): Promise<{ requestId: number; entryId: number }> {
  const input = parseInput(correctionRequestInput, raw);
  return db.transaction(async (tx) => {
    const entry = await loadEntry(tx, input.entryId);
    if (!entry) throw notFound(`bút toán #${input.entryId}`, `Entry #${input.entryId}`);
    if (entry.kind === 'reversal') {
      throw new DomainError(409, 'is_reversal', `Bút toán #${entry.id} là một bút toán đảo; hãy yêu cầu điều chỉnh bút toán gốc.`,
        `Entry #${entry.id} is itself a reversal; ask for the original entry to be corrected.`);
    }
    const [reversed] = await tx.select({ id: journalEntries.id }).from(journalEntries).where(eq(journalEntries.reversesEntryId, entry.id));
    if (reversed) {
      throw new DomainError(409, 'already_reversed', `Bút toán #${entry.id} đã được đảo bởi #${reversed.id}; không cần yêu cầu điều chỉnh.`,
        `Entry #${entry.id} was already reversed by #${reversed.id}; no request is needed.`);
    }
    const [open] = await tx.select({ id: correctionRequests.id }).from(correctionRequests)
      .where(and(eq(correctionRequests.entryId, entry.id), eq(correctionRequests.status, 'pending')));
    if (open) {
      throw new DomainError(409, 'request_open', `Bút toán #${entry.id} đã có yêu cầu điều chỉnh #${open.id} đang chờ duyệt.`,
        `Entry #${entry.id} already has correction request #${open.id} waiting for a decision.`);
    }
    const [row] = await tx.insert(correctionRequests).values(input).returning({ id: correctionRequests.id });
    return { requestId: row!.id, entryId: entry.id };
  });
}

// An approver, never the one who asked, approves (the reversal is posted in the same transaction) or
// refuses with a reason. A decided request stays decided.
export async function decideCorrectionRequest(db: Db, raw: unknown): Promise<Outcome<{ requestId: number; entryId: number; status: 'approved' | 'refused'; reversalEntryId: number | null }>> {
  const input = parseInput(correctionDecisionInput, raw);
  const { idempotencyKey, ...request } = input;
  return runOnce(db, idempotencyKey, request, async (tx) => {
    const [row] = await tx.select().from(correctionRequests).where(eq(correctionRequests.id, input.requestId)).for('update');
    if (!row) throw notFound(`yêu cầu điều chỉnh #${input.requestId}`, `Correction request #${input.requestId}`);
    if (row.status !== 'pending') {
      throw new DomainError(409, 'already_decided', `Yêu cầu #${row.id} đã được ${row.decidedBy} quyết định (${row.status === 'approved' ? 'duyệt' : 'từ chối'}).`,
        `Request #${row.id} was already decided by ${row.decidedBy} (${row.status}).`);
    }
    if (row.requestedBy === input.decidedBy) {
      throw new DomainError(403, 'own_request', 'Bạn không thể tự duyệt yêu cầu điều chỉnh của chính mình; cần một người phê duyệt khác.',
        'You cannot decide your own correction request; another approver must.');
    }
    // The journal is published: the recorder's own words stay in the request (private); the entry cites it by number.
    const reversal = input.decision === 'approve'
      ? await postReversal(tx, { entryId: row.entryId, reason: `Yêu cầu điều chỉnh #${row.id} — ${input.reason}`, requestedBy: `${row.requestedBy}, duyệt: ${input.decidedBy}`, occurredAt: input.occurredAt })
      : null;
    const status = input.decision === 'approve' ? 'approved' as const : 'refused' as const;
    await tx.update(correctionRequests).set({
      status, decidedBy: input.decidedBy, decidedAt: new Date(), decisionReason: input.reason, reversalEntryId: reversal?.entryId ?? null,
    }).where(eq(correctionRequests.id, row.id));
    return { requestId: row.id, entryId: row.entryId, status, reversalEntryId: reversal?.entryId ?? null };
  });
}

// Requests still waiting, and the latest decided, for the corrections page.
export async function listCorrectionRequests(db: Db | Tx) {
  return db.select().from(correctionRequests).orderBy(sql`${correctionRequests.status} <> 'pending'`, desc(correctionRequests.id)).limit(50);
}
