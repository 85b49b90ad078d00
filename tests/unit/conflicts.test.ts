// Confirmations racing on PostgreSQL can deadlock; the transaction PostgreSQL rolls back is run again,
// anything else is not.
import { describe, expect, it } from 'vitest';
import { retryConflicts } from '../../db/pg-errors';

// An error as Drizzle raises it, the driver's error (with its SQLSTATE) in `cause`.
const failedQuery = (code: string) => Object.assign(new Error('Failed query: select 1'), { cause: Object.assign(new Error('driver error'), { code }) });

// Work that throws the given errors in turn, then answers; counts its runs.
function flaky(errors: Error[]) {
  const work = async () => {
    work.runs++;
    const error = errors.shift();
    if (error) throw error;
    return 'done';
  };
  work.runs = 0;
  return work;
}

describe('retryConflicts', () => {
  it('runs again a transaction rolled back to break a deadlock or a serialization conflict', async () => {
    const work = flaky([failedQuery('40P01'), failedQuery('40001')]);
    await expect(retryConflicts(work)).resolves.toBe('done');
    expect(work.runs).toBe(3);
  });

  it('gives up after three runs and throws the conflict', async () => {
    const work = flaky([failedQuery('40P01'), failedQuery('40P01'), failedQuery('40P01'), failedQuery('40P01')]);
    await expect(retryConflicts(work)).rejects.toThrow('Failed query');
    expect(work.runs).toBe(3);
  });

  it('does not run again any other failure', async () => {
    const work = flaky([failedQuery('23505')]);
    await expect(retryConflicts(work)).rejects.toThrow('Failed query');
    expect(work.runs).toBe(1);
  });
});
