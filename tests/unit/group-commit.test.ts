// The group commit's gathering rules, with a writer whose batches end when the test says.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/domain/group-commit';

// A writer that records each batch and holds it open until released.
function heldWriter() {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const write = (items: string[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve) => releases.push(() => resolve(items.map((item) => `done:${item}`))));
  };
  const releaseNext = async () => {
    releases.shift()!();
    await new Promise((settled) => setImmediate(settled));
  };
  return { batches, write, releaseNext };
}

const keyOf = (item: string) => [item.split('#')[0]!];

describe('group commit', () => {
  it('an idle committer writes at once; what arrives meanwhile goes together in the next batch', async () => {
    const writer = heldWriter();
    const committer = new GroupCommit(writer.write, keyOf, { maxInFlight: 1 });
    const first = committer.submit('a');
    const later = ['b', 'c', 'd'].map((item) => committer.submit(item));
    expect(writer.batches).toEqual([['a']]);
    await writer.releaseNext();
    expect(await first).toBe('done:a');
    expect(writer.batches).toEqual([['a'], ['b', 'c', 'd']]);
    await writer.releaseNext();
    expect(await Promise.all(later)).toEqual(['done:b', 'done:c', 'done:d']);
    expect(committer.stats).toEqual({ batches: 2, items: 4 });
  });

  it('two requests sharing a key never share a batch, nor run beside each other', async () => {
    const writer = heldWriter();
    const committer = new GroupCommit(writer.write, keyOf, { maxInFlight: 2, gatherAtLeast: 2 });
    const replies = ['p#1', 'p#2', 'q'].map((item) => committer.submit(item));
    // The second batch leaves p#2 behind: the first still holds key p.
    expect(writer.batches).toEqual([['p#1'], ['q']]);
    await writer.releaseNext();
    expect(writer.batches).toHaveLength(2);
    await writer.releaseNext();
    expect(writer.batches).toEqual([['p#1'], ['q'], ['p#2']]);
    await writer.releaseNext();
    expect(await Promise.all(replies)).toEqual(['done:p#1', 'done:p#2', 'done:q']);
  });

  it('a second batch starts beside a running one only once enough requests wait', async () => {
    const writer = heldWriter();
    const committer = new GroupCommit(writer.write, keyOf, { maxInFlight: 2, gatherAtLeast: 3 });
    void committer.submit('a');
    void committer.submit('b');
    void committer.submit('c');
    expect(writer.batches).toEqual([['a']]);
    void committer.submit('d');
    expect(writer.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('a batch that fails rejects its own requests only, and the next batch still runs', async () => {
    let calls = 0;
    const committer = new GroupCommit(async (items: string[]) => {
      calls++;
      if (items.includes('bad')) throw new Error('refused');
      return items.map((item) => `done:${item}`);
    }, keyOf, { maxInFlight: 1 });
    const bad = committer.submit('bad');
    const good = committer.submit('good');
    await expect(bad).rejects.toThrow('refused');
    expect(await good).toBe('done:good');
    expect(calls).toBe(2);
  });

  it('no batch is larger than maxBatch', async () => {
    const sizes: number[] = [];
    const committer = new GroupCommit(async (items: number[]) => {
      sizes.push(items.length);
      await new Promise((settled) => setImmediate(settled));
      return items;
    }, (item) => [String(item)], { maxBatch: 4, maxInFlight: 1 });
    const replies = await Promise.all(Array.from({ length: 13 }, (_, i) => committer.submit(i)));
    expect(replies).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(Math.max(...sizes)).toBe(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(13);
  });
});
