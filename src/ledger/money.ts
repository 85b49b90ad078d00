// Whole đồng only: VND has no minor unit, and floats would lose đồng at national scale.
export type Vnd = number;

// Refuses anything that is not a safe whole number of đồng, so a bad amount never reaches the journal.
export function assertVnd(value: unknown, what = 'amount_vnd'): Vnd {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${what} must be a whole number of đồng, got ${String(value)}`);
  }
  return value;
}

// Sums amounts exactly; throws if a total would leave the safe integer range.
// Bigint so a float running total can never round past the safe range and come back looking valid.
export function sumVnd(values: Iterable<Vnd>): Vnd {
  let total = 0n;
  for (const value of values) total += BigInt(assertVnd(value));
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new TypeError(`total must be a whole number of đồng, got ${total}`);
  }
  return Number(total);
}

// Vietnamese convention: dot as thousands separator, ₫ after a space ("1.234.567 ₫").
export function formatVnd(value: Vnd): string {
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${value < 0 ? '-' : ''}${digits} ₫`;
}
