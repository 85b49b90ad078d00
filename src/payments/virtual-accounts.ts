// Virtual accounts: numbers the fund's bank routes to the fund's one account. Staff load the bank's
// list or ranges; each house or commune pledge by transfer takes a free one, shown in its VietQR code,
// so the money is identified by the account it was sent to even when the memo is lost.
import { eq, inArray, isNull, sql } from 'drizzle-orm';
import { schema, type Db, type Tx } from '../../db/client';
import { DomainError } from '../domain/errors';

const { virtualAccounts, pledges } = schema;

/** One load is bounded: a bank hands out ranges of thousands, not millions. */
export const MAX_VIRTUAL_ACCOUNTS_PER_LOAD = 100_000;

const refuse = (vi: string, en: string) => new DomainError(400, 'invalid_virtual_accounts', vi, en);

// "9630001000-9630001999, 9630005555" as the numbers it names: ranges keep their width (leading zeros).
export function parseVirtualAccountSpec(spec: string): string[] {
  const numbers: string[] = [];
  for (const part of spec.split(/[\s,;]+/).filter(Boolean)) {
    const range = /^(\d{1,19})-(\d{1,19})$/.exec(part);
    if (!range) {
      if (!/^[0-9A-Za-z]{1,19}$/.test(part)) throw refuse(`"${part}" không phải số tài khoản ảo (1–19 chữ hoặc số) hay khoảng số (đầu-cuối).`, `"${part}" is neither a virtual account number (1–19 letters or digits) nor a range (first-last).`);
      numbers.push(part);
      continue;
    }
    const [, first, last] = range as unknown as [string, string, string];
    if (first.length !== last.length || BigInt(first) > BigInt(last)) throw refuse(`Khoảng "${part}" phải có hai đầu cùng độ dài, đầu nhỏ hơn cuối.`, `The range "${part}" needs ends of the same length, the first not above the last.`);
    if (BigInt(last) - BigInt(first) >= BigInt(MAX_VIRTUAL_ACCOUNTS_PER_LOAD - numbers.length)) {
      throw refuse(`Mỗi lần nạp tối đa ${MAX_VIRTUAL_ACCOUNTS_PER_LOAD} số.`, `At most ${MAX_VIRTUAL_ACCOUNTS_PER_LOAD} numbers per load.`);
    }
    for (let n = BigInt(first); n <= BigInt(last); n++) numbers.push(n.toString().padStart(first.length, '0'));
  }
  if (numbers.length > MAX_VIRTUAL_ACCOUNTS_PER_LOAD) throw refuse(`Mỗi lần nạp tối đa ${MAX_VIRTUAL_ACCOUNTS_PER_LOAD} số.`, `At most ${MAX_VIRTUAL_ACCOUNTS_PER_LOAD} numbers per load.`);
  return numbers;
}

// Adds the numbers not known yet; returns how many were new. Loading the same list twice adds nothing.
export async function loadVirtualAccounts(db: Db, numbers: string[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < numbers.length; i += 5000) {
    const rows = await db.insert(virtualAccounts).values(numbers.slice(i, i + 5000).map((accountNo) => ({ accountNo }))).onConflictDoNothing().returning({ accountNo: virtualAccounts.accountNo });
    added += rows.length;
  }
  return added;
}

// Gives the pledge the lowest free number, in the caller's transaction; none when all are taken.
export async function assignVirtualAccount(tx: Tx, pledgeId: number): Promise<string | null> {
  const [free] = await tx.select({ accountNo: virtualAccounts.accountNo }).from(virtualAccounts).where(isNull(virtualAccounts.pledgeId))
    .orderBy(virtualAccounts.accountNo).limit(1).for('update', { skipLocked: true });
  if (!free) return null;
  await tx.update(virtualAccounts).set({ pledgeId }).where(eq(virtualAccounts.accountNo, free.accountNo));
  return free.accountNo;
}

// The receipt codes of the pledges behind these virtual accounts.
export async function codesOfVirtualAccounts(tx: Tx, accounts: string[]): Promise<Map<string, string>> {
  if (accounts.length === 0) return new Map();
  const rows = await tx.select({ accountNo: virtualAccounts.accountNo, code: pledges.receiptCode }).from(virtualAccounts)
    .innerJoin(pledges, eq(pledges.id, virtualAccounts.pledgeId)).where(inArray(virtualAccounts.accountNo, accounts));
  return new Map(rows.map((r) => [r.accountNo, r.code]));
}

// The virtual account a pledge was given, if any.
export async function virtualAccountOf(db: Db, pledgeId: number): Promise<string | null> {
  const [row] = await db.select({ accountNo: virtualAccounts.accountNo }).from(virtualAccounts).where(eq(virtualAccounts.pledgeId, pledgeId));
  return row?.accountNo ?? null;
}

export const virtualAccountCounts = async (db: Db) => (await db.select({
  total: sql<number>`count(*)`, free: sql<number>`count(*) FILTER (WHERE ${virtualAccounts.pledgeId} IS NULL)`,
}).from(virtualAccounts))[0]!;
