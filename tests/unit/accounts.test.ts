import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePoolKey, poolKey, POOL_KEY_PATTERN } from '../../src/ledger/accounts';

describe('pool keys: one format, one parser', () => {
  it('property: parsePoolKey undoes poolKey, and every key matches the pattern the database checks', () => {
    fc.assert(fc.property(fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 })), (areaId) => {
      const key = poolKey(areaId);
      expect(parsePoolKey(key)).toBe(areaId);
      expect(new RegExp(POOL_KEY_PATTERN).test(key)).toBe(true);
    }));
  });

  it('refuses what poolKey would never write', () => {
    for (const bad of ['', 'commune:', 'commune:0', 'commune:07', 'commune:1:2', 'General', 'commune:-3', ' general', 'xcommune:5']) {
      expect(() => parsePoolKey(bad), bad).toThrow(/not a pool key/);
      expect(new RegExp(POOL_KEY_PATTERN).test(bad), bad).toBe(false);
    }
  });
});
