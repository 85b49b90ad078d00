// What PostgreSQL errors say, under the wrappers: a missing table, and a transaction rolled back to break a
// deadlock or a serialization conflict, which done again succeeds. Free of the drivers, so a command without a database loads it.

/** deadlock_detected and serialization_failure: the transaction was rolled back and can simply be run again. */
const CONFLICT_CODES = new Set(['40P01', '40001']);

// The error and what it wraps: Drizzle's "Failed query" hides the driver's own error in `cause`.
export const causesOf = (error: unknown): unknown[] => (error ? [error, ...causesOf((error as { cause?: unknown }).cause)] : []);

// The PostgreSQL error code of an error or of anything it wraps.
export const hasCode = (error: unknown, codes: ReadonlySet<string>) => causesOf(error).some((e) => codes.has(String((e as { code?: unknown }).code)));

// Runs `work` again when PostgreSQL rolled it back to break a conflict (at most `attempts` runs in all):
// for work whose every write is idempotent by key, such as confirming a payment.
export async function retryConflicts<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !hasCode(error, CONFLICT_CODES)) throw error;
    }
  }
}
