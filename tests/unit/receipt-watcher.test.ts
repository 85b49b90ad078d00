// The receipt's polling island asks politely: every 15 s at first, then less and less often.
import { describe, expect, it } from 'vitest';
import { nextWait } from '../../src/components/islands/ReceiptWatcher';

describe('receipt watcher', () => {
  it('waits 15 s for five minutes, then doubles up to two minutes', () => {
    expect(nextWait(60_000, 15_000)).toBe(15_000);
    expect(nextWait(6 * 60_000, 15_000)).toBe(30_000);
    expect(nextWait(7 * 60_000, 30_000)).toBe(60_000);
    expect(nextWait(9 * 60_000, 120_000)).toBe(120_000);
  });
});
