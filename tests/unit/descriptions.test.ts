import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../src/ledger/descriptions';

// The chain is public and permanent: a private field must not enter it, not even hashed (DESIGN.md).
describe('a bank charge described for the chain', () => {
  it("keeps the bank's own reference but not the fund's account number", () => {
    const text = describeEntry.bankCharge('ref:0011000123456:FT24245001');
    expect(text).not.toContain('0011000123456');
    expect(text).toContain('FT24245001');
  });

  it('shows no digest of a row without a bank reference (the digest covers the private memo)', () => {
    const text = describeEntry.bankCharge('h:0011000123456:9f86d081884c7d659a2feaa0c55ad015:1');
    expect(text).not.toContain('0011000123456');
    expect(text).not.toContain('9f86d081');
    expect(text).toBe('Phí ngân hàng, quỹ chung chịu');
  });

  it('keeps a reference typed by staff as it is', () => {
    expect(describeEntry.bankCharge('PHI-THANG-9')).toBe('Phí ngân hàng (PHI-THANG-9), quỹ chung chịu');
  });
});
