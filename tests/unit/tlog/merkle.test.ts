import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  consistencyProof, EMPTY_ROOT, hashLeaf, inclusionProof, memoryTree, rootHash, verifyConsistency, verifyInclusion, CompactRange, type Hash,
} from '../../../src/publish/tlog/merkle';
import { fromBase64, fromHex, sha256, sha256Js, toBase64, toHex } from '../../../src/publish/tlog/sha256';
import { entriesPath, fullTiles, partialWidth, recordTiles, tileIndexPath, tileNodeSource, tilePath, TileBuilder, concatHashes, bundleRecord, splitBundle } from '../../../src/publish/tlog/tiles';
import { CONSISTENCY_PROOFS, INCLUSION_PROOFS, LEAF_INPUTS, ROOTS } from './vectors';

const leaves = LEAF_INPUTS.map((hex) => hashLeaf(fromHex(hex)));
const tree = memoryTree(leaves);
const hexes = (proof: Hash[]) => proof.map(toHex);

// Flips one bit of a copy, for the "any single-bit change fails" checks.
function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
}

describe('SHA-256 (pure JavaScript, and Node\'s where there is one)', () => {
  it('agrees with node:crypto on lengths around every block boundary', () => {
    for (let n = 0; n < 200; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
      expect(toHex(sha256Js(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
  it('hashes the concatenation of its parts the same way in Node as in JavaScript, with Node\'s own where Node has one', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 150 }), { maxLength: 4 }), (parts) => {
      expect(toHex(sha256(...parts))).toBe(toHex(sha256Js(...parts)));
    }));
    expect(sha256 === sha256Js).toBe(typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule !== 'function');
  });
  it('round-trips base64 and refuses non-canonical forms', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      expect(fromBase64(toBase64(bytes))).toEqual(bytes);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }));
    expect(() => fromBase64('QQ')).toThrow();
    expect(() => fromBase64('QR==')).toThrow();
  });
});

describe('RFC 6962 / RFC 9162 known tree (transparency-dev/merkle vectors)', () => {
  it('gives the published root for every size 0 to 8', () => {
    for (let size = 0; size <= 8; size++) expect(toHex(rootHash(tree, size))).toBe(ROOTS[size]);
    expect(toHex(EMPTY_ROOT)).toBe(ROOTS[0]);
  });
  it('produces and verifies the published inclusion proofs', () => {
    for (const v of INCLUSION_PROOFS) {
      expect(hexes(inclusionProof(tree, v.leaf - 1, v.size))).toEqual(v.proof);
      expect(verifyInclusion(v.leaf - 1, v.size, leaves[v.leaf - 1]!, v.proof.map(fromHex), fromHex(ROOTS[v.size]!))).toBe(true);
    }
  });
  it('produces and verifies the published consistency proofs', () => {
    for (const v of CONSISTENCY_PROOFS) {
      expect(hexes(consistencyProof(tree, v.size1, v.size2))).toEqual(v.proof);
      expect(verifyConsistency(v.size1, v.size2, v.proof.map(fromHex), fromHex(ROOTS[v.size1]!), fromHex(ROOTS[v.size2]!))).toBe(true);
    }
  });
  it('refuses the degenerate cases the reference refuses', () => {
    const r1 = fromHex(ROOTS[1]!);
    const r2 = fromHex(ROOTS[2]!);
    expect(verifyConsistency(1, 1, [], r1, r2)).toBe(false);
    expect(verifyConsistency(2, 1, [], r1, r2)).toBe(false);
    expect(verifyConsistency(1, 2, [], r1, r2)).toBe(false);
    expect(verifyConsistency(0, 1, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, r2)).toBe(true);
    expect(verifyInclusion(0, 0, leaves[0]!, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(2, 1, leaves[0]!, [], r1)).toBe(false);
  });
});

describe('Merkle proofs, properties (fast-check)', () => {
  const sized = fc.integer({ min: 1, max: 300 }).chain((n) => fc.record({
    n: fc.constant(n), m: fc.integer({ min: 1, max: n }), i: fc.integer({ min: 0, max: n - 1 }), bit: fc.nat(255), seed: fc.nat(),
  }));
  const leavesOf = (n: number, seed: number) => Array.from({ length: n }, (_, k) => hashLeaf(new TextEncoder().encode(`entry ${seed} ${k}`)));

  it('every inclusion proof verifies; any one-bit change to leaf, proof, root or size fails', () => {
    fc.assert(fc.property(sized, ({ n, i, bit, seed }) => {
      const ls = leavesOf(n, seed);
      const t = memoryTree(ls);
      const root = rootHash(t, n);
      const proof = inclusionProof(t, i, n);
      expect(verifyInclusion(i, n, ls[i]!, proof, root)).toBe(true);
      expect(verifyInclusion(i, n, flip(ls[i]!, bit), proof, root)).toBe(false);
      expect(verifyInclusion(i, n, ls[i]!, proof, flip(root, bit))).toBe(false);
      if (proof.length > 0) {
        const k = bit % proof.length;
        expect(verifyInclusion(i, n, ls[i]!, proof.map((p, j) => (j === k ? flip(p, bit) : p)), root)).toBe(false);
      }
      // As in transparency-dev/merkle's corruptInclusionProof: a wrong index or tree height. (A size that keeps
      // the path's shape is only bound by the signature over the checkpoint, tested with the notes.)
      expect(verifyInclusion(i, n * 2, ls[i]!, proof, root)).toBe(false);
      expect(verifyInclusion(i, Math.floor(n / 2), ls[i]!, proof, root)).toBe(false);
      if (n > 1) expect(verifyInclusion(i === 0 ? 1 : i - 1, n, ls[i]!, proof, root)).toBe(false);
    }), { numRuns: 200 });
  });

  it('every consistency proof verifies; any one-bit change to proof, roots or sizes fails', () => {
    fc.assert(fc.property(sized, ({ n, m, bit, seed }) => {
      const t = memoryTree(leavesOf(n, seed));
      const r1 = rootHash(t, m);
      const r2 = rootHash(t, n);
      const proof = consistencyProof(t, m, n);
      expect(verifyConsistency(m, n, proof, r1, r2)).toBe(true);
      expect(verifyConsistency(m, n, proof, flip(r1, bit), r2)).toBe(false);
      expect(verifyConsistency(m, n, proof, r1, flip(r2, bit))).toBe(false);
      if (proof.length > 0) {
        const k = bit % proof.length;
        expect(verifyConsistency(m, n, proof.map((p, j) => (j === k ? flip(p, bit) : p)), r1, r2)).toBe(false);
      }
      if (m < n) {
        expect(verifyConsistency(m - 1, n, proof, r1, r2)).toBe(false);
        expect(verifyConsistency(m + 1, n, proof, r1, r2)).toBe(false);
        expect(verifyConsistency(m, n * 2, proof, r1, r2)).toBe(false);
        expect(verifyConsistency(m, Math.floor(n / 2), proof, r1, r2)).toBe(false);
      }
    }), { numRuns: 200 });
  });

  it('a tree with one rewritten early entry is not consistent with the original', () => {
    fc.assert(fc.property(sized, ({ n, m, i, seed }) => {
      const ls = leavesOf(n, seed);
      const old = memoryTree(ls);
      const forged = ls.slice();
      forged[i % m] = hashLeaf(new TextEncoder().encode('forged'));
      const t = memoryTree(forged);
      expect(verifyConsistency(m, n, consistencyProof(t, m, n), rootHash(old, m), rootHash(t, n))).toBe(false);
    }), { numRuns: 100 });
  });

  it('the compact range gives the same root as the full tree at every size', () => {
    const ls = leavesOf(600, 1);
    const t = memoryTree(ls);
    const range = new CompactRange();
    for (let n = 1; n <= ls.length; n++) {
      range.append(ls[n - 1]!);
      if (n % 37 === 0 || n === ls.length) expect(toHex(range.root())).toBe(toHex(rootHash(t, n)));
    }
  });
});

describe('C2SP tlog-tiles layout', () => {
  it('encodes tile indexes and paths as the spec shows', () => {
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(1000)).toBe('x001/000');
    expect(tilePath(0, 5)).toBe('tile/0/005');
    expect(tilePath(1, 5, 17)).toBe('tile/1/005.p/17');
    expect(entriesPath(1234067, 3)).toBe('tile/entries/x001/x234/067.p/3');
  });
  it('splits a tree of 70,000 as the spec says', () => {
    expect([fullTiles(0, 70_000), partialWidth(0, 70_000)]).toEqual([273, 112]);
    expect([fullTiles(1, 70_000), partialWidth(1, 70_000)]).toEqual([1, 17]);
    expect([fullTiles(2, 70_000), partialWidth(2, 70_000)]).toEqual([0, 1]);
    expect(partialWidth(1, 256)).toBe(1);
  });
  it('proofs computed from the built tiles equal proofs from the full tree', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20_000 }), fc.nat(), (n, pick) => {
      const ls = Array.from({ length: n }, (_, k) => hashLeaf(new Uint8Array([k & 255, (k >> 8) & 255, k >> 16])));
      const tiles = new Map<string, Uint8Array>();
      const builder = new TileBuilder((t) => tiles.set(tilePath(t.level, t.index), concatHashes(t.hashes)));
      for (const leaf of ls) builder.append(leaf);
      for (const t of builder.partials()) tiles.set(tilePath(t.level, t.index, t.hashes.length), concatHashes(t.hashes));
      const node = tileNodeSource(tiles, n);
      const t = memoryTree(ls);
      const i = pick % n;
      const m = 1 + (pick % n);
      expect(toHex(rootHash(node, n))).toBe(toHex(builder.root()));
      expect(toHex(builder.root())).toBe(toHex(rootHash(t, n)));
      expect(hexes(inclusionProof(node, i, n))).toEqual(hexes(inclusionProof(t, i, n)));
      expect(hexes(consistencyProof(node, m, n))).toEqual(hexes(consistencyProof(t, m, n)));
      const recorder = recordTiles(n);
      inclusionProof(recorder.node, i, n);
      rootHash(recorder.node, n);
      for (const path of recorder.paths()) expect(tiles.has(path)).toBe(true);
    }), { numRuns: 8 });
  });
  it('a builder continued from the published tiles of size m ends exactly where a full rebuild does', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 3000 }), (m, extra) => {
      const ls = Array.from({ length: m + extra }, (_, k) => hashLeaf(new Uint8Array([k & 255, k >> 8, 9])));
      const write = (into: Map<string, Uint8Array>) => (t: { level: number; index: number; hashes: Hash[] }) => into.set(tilePath(t.level, t.index), concatHashes(t.hashes));
      const before = new Map<string, Uint8Array>();
      const first = new TileBuilder(write(before));
      ls.slice(0, m).forEach((l) => first.append(l));
      for (const t of first.partials()) before.set(tilePath(t.level, t.index, t.hashes.length), concatHashes(t.hashes));
      const full = new Map<string, Uint8Array>();
      const whole = new TileBuilder(write(full));
      ls.forEach((l) => whole.append(l));
      const continued = new Map(before);
      const next = new TileBuilder(write(continued));
      next.seed(m, (path) => before.get(path)!);
      expect(toHex(next.root())).toBe(toHex(first.root()));
      ls.slice(m).forEach((l) => next.append(l));
      expect(toHex(next.root())).toBe(toHex(whole.root()));
      expect(next.partials().map((t) => tilePath(t.level, t.index, t.hashes.length))).toEqual(whole.partials().map((t) => tilePath(t.level, t.index, t.hashes.length)));
      for (const [path, bytes] of full) expect(toHex(continued.get(path)!), path).toBe(toHex(bytes));
    }), { numRuns: 25 });
  });

  it('entry bundles are uint16 length-prefixed', () => {
    const bundle = new Uint8Array([...bundleRecord(new Uint8Array([7, 8])), ...bundleRecord(new Uint8Array())]);
    expect([...bundle]).toEqual([0, 2, 7, 8, 0, 0]);
    expect(splitBundle(bundle).map((e) => [...e])).toEqual([[7, 8], []]);
    expect(() => splitBundle(new Uint8Array([0, 5, 1]))).toThrow();
  });
});
