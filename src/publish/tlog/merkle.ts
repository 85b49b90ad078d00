// The journal's Merkle tree (RFC 9162 §2.1, same hashing as RFC 6962): tree hash, inclusion and consistency
// proofs and their verification, for any tree size. Pure and synchronous, no Node or DOM imports: the
// server, the browser and the standalone verifier run this same file.
import { sha256 } from './sha256';

export type Hash = Uint8Array;

/** The byte a leaf's hash input starts with (an inner node's starts with 1). */
export const LEAF_PREFIX = 0;
const LEAF = new Uint8Array([LEAF_PREFIX]);
const NODE = new Uint8Array([1]);

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = sha256();

// The 0x00/0x01 prefixes keep a leaf from ever being mistaken for an inner node (second-preimage defence).
export const hashLeaf = (entry: Uint8Array): Hash => sha256(LEAF, entry);
export const hashChildren = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);

/** The hash of the perfect subtree of 2^level leaves starting at leaf index << level. */
export type NodeSource = (level: number, index: number) => Hash;

export function sameHash(a: Hash, b: Hash): boolean {
  if (a.length !== 32 || b.length !== 32) return false;
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// Sizes go beyond 2^31, so arithmetic stays in doubles (exact to 2^53) instead of 32-bit bit operators.
const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;

/** The largest power of two strictly below n (n ≥ 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function perfectLevel(size: number): number {
  let level = 0;
  while (2 ** level < size) level++;
  return 2 ** level === size ? level : -1;
}

/** MTH(D[start:end]) from the perfect subtrees the source knows. */
export function subtreeHash(node: NodeSource, start: number, end: number): Hash {
  const size = end - start;
  if (size <= 0) return EMPTY_ROOT;
  const level = perfectLevel(size);
  if (level >= 0 && start % size === 0) return node(level, start / size);
  const k = splitPoint(size);
  return hashChildren(subtreeHash(node, start, start + k), subtreeHash(node, start + k, end));
}

export const rootHash = (node: NodeSource, size: number): Hash => subtreeHash(node, 0, size);

/** RFC 9162 PATH(index, D[0:size]): the audit path of one leaf, nearest sibling first. */
export function inclusionProof(node: NodeSource, index: number, size: number): Hash[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const proof: Hash[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      proof.push(subtreeHash(node, start + k, end));
    } else {
      walk(m - k, start + k, end);
      proof.push(subtreeHash(node, start, start + k));
    }
  };
  walk(index, 0, size);
  return proof;
}

/** RFC 9162 PROOF(first, D[0:second]): what proves the tree of `first` leaves is a prefix of the tree of `second`. */
export function consistencyProof(node: NodeSource, first: number, second: number): Hash[] {
  if (!(first >= 0 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  const proof: Hash[] = [];
  if (first === 0 || first === second) return proof;
  const walk = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) proof.push(subtreeHash(node, start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      walk(m, start, start + k, whole);
      proof.push(subtreeHash(node, start + k, end));
    } else {
      walk(m - k, start + k, end, false);
      proof.push(subtreeHash(node, start, start + k));
    }
  };
  walk(first, 0, second, true);
  return proof;
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof has the wrong shape. */
export function rootFromInclusion(index: number, size: number, leaf: Hash, proof: Hash[]): Hash | null {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size) || leaf.length !== 32) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== 32) return null;
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(index: number, size: number, leaf: Hash, proof: Hash[], root: Hash): boolean {
  const computed = rootFromInclusion(index, size, leaf, proof);
  return computed !== null && sameHash(computed, root);
}

/** RFC 9162 §2.1.4.2: does the proof show the tree (first, firstRoot) is a prefix of (second, secondRoot)? */
export function verifyConsistency(first: number, second: number, proof: Hash[], firstRoot: Hash, secondRoot: Hash): boolean {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(second) && first >= 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((p) => p.length !== 32)) return false;
  const path = perfectLevel(first) >= 0 ? [firstRoot, ...proof] : proof.slice();
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) { fn = half(fn); sn = half(sn); }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!odd(fn)) while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}

/** A node source over leaf hashes held in memory (tests, small logs); inner nodes are memoised. */
export function memoryTree(leaves: Hash[]): NodeSource {
  const memo = new Map<string, Hash>();
  const node: NodeSource = (level, index) => {
    if (level === 0) {
      const leaf = leaves[index];
      if (!leaf) throw new RangeError(`no leaf ${index}`);
      return leaf;
    }
    const key = `${level}/${index}`;
    let hash = memo.get(key);
    if (!hash) {
      hash = hashChildren(node(level - 1, index * 2), node(level - 1, index * 2 + 1));
      memo.set(key, hash);
    }
    return hash;
  };
  return node;
}

/**
 * The tree's right edge while leaves are appended one by one (a compact range): the root at any size in
 * O(log n) memory, so a publish never holds the whole journal's hashes.
 */
export class CompactRange {
  size = 0;
  private readonly peaks: Hash[] = [];

  /** The sizes of the perfect subtrees a tree of `size` leaves splits into, largest first (with their starts). */
  static peakRanges(size: number): { start: number; end: number }[] {
    const out: { start: number; end: number }[] = [];
    let start = 0;
    for (let bit = 2 ** 52; bit >= 1; bit /= 2) {
      if (Math.floor(size / bit) % 2 === 1) {
        out.push({ start, end: start + bit });
        start += bit;
      }
    }
    return out;
  }

  /** Starts from a known right edge: `peaks` are the perfect subtrees of `size`, largest first. */
  static seeded(size: number, peaks: Hash[]): CompactRange {
    const range = new CompactRange();
    range.size = size;
    range.peaks.push(...peaks);
    return range;
  }

  /** Appends a leaf; returns the perfect subtrees it completed (of 2, 4, 8 ... leaves, ending at it), for tiles. */
  append(leaf: Hash): Hash[] {
    const formed: Hash[] = [];
    let hash = leaf;
    for (let n = this.size; odd(n); n = half(n)) {
      hash = hashChildren(this.peaks.pop()!, hash);
      formed.push(hash);
    }
    this.peaks.push(hash);
    this.size++;
    return formed;
  }

  root(): Hash {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let root = this.peaks[this.peaks.length - 1]!;
    for (let i = this.peaks.length - 2; i >= 0; i--) root = hashChildren(this.peaks[i]!, root);
    return root;
  }
}
