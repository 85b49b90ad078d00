import { LedgerRuleError } from '../ledger/errors';

// Every refusal the domain gives: an HTTP-like status, a stable code, Vietnamese first, English beside.
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

// A refusal about one form field, so the page can show it beside that field.
export function fieldError(field: string, vi: string, en: string): DomainError {
  return new DomainError(400, 'invalid_field', vi, en, { field });
}

export function notFound(what: string, whatEn: string): DomainError {
  return new DomainError(404, 'not_found', `Không tìm thấy ${what}.`, `${whatEn} not found.`);
}

// Rules of the pure ledger surface as 409 Conflict: the request was well formed but not allowed now.
export function fromLedgerRule(error: LedgerRuleError): DomainError {
  return new DomainError(409, error.code, error.message, error.messageEn);
}

interface PgLikeError {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  message?: string;
  cause?: unknown;
}

// Drivers wrap server errors differently (Drizzle adds a cause); find the PostgreSQL one.
export function pgErrorOf(error: unknown): PgLikeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as PgLikeError;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

const constraintMessages: Record<string, [string, string]> = {
  houses_allocated_within_budget: ['Nhà đã đủ ngân sách: không thể phân bổ vượt dự toán.', 'The house is fully funded: it cannot take more than its budget.'],
  houses_disbursed_within_cash: ['Không thể chi vượt số tiền đã phân bổ cho nhà.', 'Cannot pay out more than was allocated to the house.'],
  houses_cash_within_allocated: ['Phân bổ của nhà không nhất quán.', 'The house allocation is inconsistent.'],
  pool_lots_not_negative: ['Tiền trong quỹ đã được phân bổ; hãy đảo phân bổ trước.', 'The pooled money was already allocated; reverse the allocation first.'],
  // The same code as the rulebook's refusal (assertCashAllowed), so both paths say the same.
  cash_overdrawn: ['Tài khoản tiền không đủ: bút toán sẽ làm số dư bị âm.', 'The cash account does not hold enough: the entry would take it below zero.'],
  disbursements_four_eyes: ['Người ghi khoản chi không được tự duyệt.', 'Whoever recorded a payment cannot approve it.'],
};

// Turns a database refusal (CHECK, trigger, unique) into a clear DomainError; rethrows anything else.
export function translateDbError(error: unknown): never {
  if (error instanceof DomainError) throw error;
  if (error instanceof LedgerRuleError) throw fromLedgerRule(error);
  const pg = pgErrorOf(error);
  const constraint = pg?.constraint ?? pg?.constraint_name;
  if (pg?.code === '23514' && constraint && constraintMessages[constraint]) {
    const [vi, en] = constraintMessages[constraint];
    throw new DomainError(409, constraint, vi, en);
  }
  if (pg?.code === '23505' && constraint === 'journal_entries_reverses_entry_id_unique') {
    throw new DomainError(409, 'already_reversed', 'Bút toán này đã được đảo.', 'This entry was already reversed.');
  }
  if (pg?.code === '23503') {
    throw new DomainError(404, 'unknown_reference', `Không tìm thấy bản ghi được tham chiếu (${constraint}).`, `A referenced record does not exist (${constraint}).`);
  }
  if (pg?.code === '23514' || pg?.code === 'P0001') {
    throw new DomainError(409, 'ledger_refused', `Sổ cái từ chối: ${pg.message}`, `The ledger refused: ${pg.message}`);
  }
  throw error;
}
