import type { JournalLine } from './accounts';
import { describeEntry } from './descriptions';
import { LedgerRuleError } from './errors';
import { assertVnd } from './money';
import type { PublicRecordDraft } from './public-record';

// A closed list: the database CHECKs journal_entries.kind against it (db/schema.ts).
// 'state_payment' is the commune or district paying a house's state support to the household.
// 'record' moves no money: it commits a public fact (a record re-committed after a withdrawal).
export const ENTRY_KINDS = ['contribution', 'in_kind', 'labour', 'state_budget', 'allocation', 'disbursement', 'state_payment', 'reversal', 'record'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export interface EntryDraft {
  kind: EntryKind;
  occurredAt: Date;
  /** Public text: never holds private data, since it is published and hashed. */
  description: string;
  contributionId: number | null;
  reversesEntryId: number | null;
  reason: string | null;
  lines: JournalLine[];
  /** What the site shows for this entry; the posting path salts it and puts the commitment in the chain. */
  record?: PublicRecordDraft;
  /** sha256(salt ‖ public record), once posted; null for entries without a record. */
  commitment?: string | null;
}

export interface PostedEntry extends EntryDraft {
  id: number;
  prevHash: string;
  hash: string;
}

// An unbalanced or empty entry would create or destroy money: refuse it before it is written.
export function assertBalanced(draft: EntryDraft): void {
  if (draft.kind === 'record') {
    if (draft.lines.length > 0 || !draft.record) {
      throw new LedgerRuleError('record_entry', 'Bút toán ghi nhận không có dòng tiền và phải có bản ghi công khai.', 'A record entry moves no money and must carry a public record.');
    }
    return;
  }
  if (draft.lines.length < 2) {
    throw new LedgerRuleError('entry_too_short', 'Bút toán cần ít nhất hai dòng.', 'An entry needs at least two lines.');
  }
  // Bigint: a float running total can round an off-by-one entry to exactly zero near the safe limit.
  let total = 0n;
  for (const item of draft.lines) {
    assertVnd(item.amountVnd);
    if (item.amountVnd === 0) {
      throw new LedgerRuleError('zero_line', 'Dòng bút toán không được bằng 0.', 'A journal line cannot be zero.');
    }
    total += BigInt(item.amountVnd);
  }
  if (total !== 0n) {
    throw new LedgerRuleError('unbalanced', `Bút toán lệch ${total} đồng.`, `The entry is off by ${total} đồng.`);
  }
}

// A correction never edits: it posts the mirror image of the original, naming it and the reason.
export function reversalOf(original: PostedEntry, reason: string, occurredAt: Date): EntryDraft {
  if (original.kind === 'reversal') {
    throw new LedgerRuleError(
      'reverse_reversal',
      `Bút toán #${original.id} đã là bút toán đảo; hãy ghi lại nghiệp vụ đúng thay vì đảo tiếp.`,
      `Entry #${original.id} is itself a reversal; post the correct operation instead.`,
    );
  }
  if (!reason.trim()) {
    throw new LedgerRuleError('reason_required', 'Cần ghi lý do đảo bút toán.', 'A reversal needs a reason.');
  }
  return {
    kind: 'reversal',
    occurredAt,
    description: describeEntry.reversal(original.id),
    contributionId: original.contributionId,
    reversesEntryId: original.id,
    reason,
    lines: original.lines.map((item) => ({ ...item, amountVnd: -item.amountVnd })),
  };
}
