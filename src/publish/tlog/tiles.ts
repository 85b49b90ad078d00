// The C2SP tlog-tiles layout (https://c2sp.org/tlog-tiles): the tree served as static 8 KiB files of 256
// hashes (height 8), x-prefixed index paths, partial right-edge tiles `.p/W`, entry bundles under tile/entries/.
// Pure: the publish writes what TileBuilder emits; readers turn fetched tiles into a NodeSource.
import { CompactRange, hashChildren, subtreeHash, type Hash, type NodeSource } from './merkle';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
const HASH_BYTES = 32;

/** `<N>` of a tile path: 3-digit groups, all but the last prefixed with x (1234067 → x001/x234/067). */
export function tileIndexPath(index: number): string {
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = digits.match(/\d{3}/g)!;
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** `tile/<L>/<N>[.p/<W>]`; width 256 (or none) is a full tile. */
export function tilePath(level: number, index: number, width = TILE_WIDTH): string {
  return `tile/${level}/${tileIndexPath(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** `tile/entries/<N>[.p/<W>]`: the entries themselves, 256 to a bundle. */
export function entriesPath(index: number, width = TILE_WIDTH): string {
  return `tile/entries/${tileIndexPath(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** The width of the right-edge partial tile at `level` for a tree of `size` (0: there is none). */
export function partialWidth(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
}

/** How many full tiles `level` has for a tree of `size`. */
export function fullTiles(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** (level + 1));
}

/** The tiles (full and partial) a tree of `size` is made of, by level, as paths. */
export function tileLevels(size: number): number {
  let levels = 1;
  while (TILE_WIDTH ** levels <= size) levels++;
  return levels;
}

// The Merkle hash of a run of 2^k equal-height hashes (a perfect subtree inside one tile).
function perfectRoot(hashes: Hash[]): Hash {
  let row = hashes;
  while (row.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(hashChildren(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

export function concatHashes(hashes: Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_BYTES);
  hashes.forEach((h, i) => out.set(h, i * HASH_BYTES));
  return out;
}

export function splitHashes(bytes: Uint8Array): Hash[] {
  if (bytes.length % HASH_BYTES !== 0) throw new Error('a tile is a whole number of 32-byte hashes');
  const out: Hash[] = [];
  for (let i = 0; i < bytes.length; i += HASH_BYTES) out.push(bytes.subarray(i, i + HASH_BYTES));
  return out;
}

/** The largest entry a bundle's 16-bit length prefix allows, and the error past it. */
export const MAX_ENTRY_BYTES = 0xffff;
export const tooLong = (bytes: number) => new Error(`a log entry of ${bytes} bytes is over the 65,535 an entry bundle allows`);

/** One length-prefixed entry of an entry bundle (big-endian uint16 length, then the bytes). */
export function bundleRecord(entry: Uint8Array): Uint8Array {
  if (entry.length > MAX_ENTRY_BYTES) throw tooLong(entry.length);
  const out = new Uint8Array(2 + entry.length);
  out[0] = entry.length >> 8;
  out[1] = entry.length & 255;
  out.set(entry, 2);
  return out;
}

export function splitBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    if (at + 2 > bytes.length) throw new Error('truncated entry bundle');
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + length > bytes.length) throw new Error('truncated entry bundle');
    out.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}

export interface TileOut {
  level: number;
  index: number;
  /** The hashes: 256 for a full tile, fewer for the right edge. */
  hashes: Hash[];
}

/**
 * Builds the tiles while leaf hashes stream in: each full tile is handed out the moment it completes (so a
 * publish holds at most 256 hashes per level), the root follows the compact range, and `partials()` gives
 * the right edge at the end.
 */
export class TileBuilder {
  private readonly rows: Hash[][] = [[]];
  private range = new CompactRange();

  constructor(private readonly onFullTile: (tile: TileOut) => void) {}

  /**
   * Continues a tree of `size` leaves from its published tiles (read with `tile`), without rehashing the
   * leaves: the right-edge partial tiles give the rows, the tiles give the compact range's peaks.
   */
  seed(size: number, tile: (path: string) => Uint8Array): void {
    const tiles = new Map<string, Uint8Array>();
    const reader = (path: string) => {
      if (!tiles.has(path)) tiles.set(path, tile(path));
      return tiles.get(path)!;
    };
    const recorder = recordTiles(size);
    const ranges = CompactRange.peakRanges(size);
    for (const r of ranges) subtreeHash(recorder.node, r.start, r.end);
    for (const path of recorder.paths()) reader(path);
    const node = tileNodeSource(tiles, size);
    this.range = CompactRange.seeded(size, ranges.map((r) => subtreeHash(node, r.start, r.end)));
    this.rows.length = 0;
    for (let level = 0; level < tileLevels(size); level++) {
      const width = partialWidth(level, size);
      this.rows.push(width > 0 ? splitHashes(reader(tilePath(level, fullTiles(level, size), width))).map((h) => h.slice()) : []);
    }
  }

  get size(): number {
    return this.range.size;
  }

  append(leaf: Hash): void {
    // A full tile's root is a subtree the compact range has just completed: no hash is computed twice.
    const formed = this.range.append(leaf);
    let hash = leaf;
    for (let level = 0; ; level++) {
      const row = (this.rows[level] ??= []);
      row.push(hash);
      if (row.length < TILE_WIDTH) return;
      const index = fullTiles(level, this.range.size) - 1;
      this.onFullTile({ level, index, hashes: row.slice() });
      hash = formed[TILE_HEIGHT * (level + 1) - 1]!;
      row.length = 0;
    }
  }

  root(): Hash {
    return this.range.root();
  }

  /** The right-edge tiles of the current size, lowest level first (none when a level is exactly full). */
  partials(): TileOut[] {
    const out: TileOut[] = [];
    this.rows.forEach((row, level) => {
      if (row.length > 0) out.push({ level, index: fullTiles(level, this.range.size), hashes: row.slice() });
    });
    return out;
  }
}

/** Which tile holds node (level, index) of a tree of `size`, and the width to fetch. */
export function tileOfNode(level: number, index: number, size: number): { level: number; index: number; width: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const span = 2 ** (level - tileLevel * TILE_HEIGHT);
  const tileIndex = Math.floor((index * span) / TILE_WIDTH);
  const width = tileIndex < fullTiles(tileLevel, size) ? TILE_WIDTH : partialWidth(tileLevel, size);
  return { level: tileLevel, index: tileIndex, width };
}

/** The tile paths a computation over a tree of `size` reads: run it once against this recorder. */
export function recordTiles(size: number): { node: NodeSource; paths: () => string[] } {
  const paths = new Set<string>();
  const dummy = new Uint8Array(32);
  return {
    node: (level, index) => {
      const t = tileOfNode(level, index, size);
      paths.add(tilePath(t.level, t.index, t.width));
      return dummy;
    },
    paths: () => [...paths],
  };
}

/** A node source over fetched tiles (path → bytes) of a tree of `size`. */
export function tileNodeSource(tiles: Map<string, Uint8Array>, size: number): NodeSource {
  return (level, index) => {
    const t = tileOfNode(level, index, size);
    const path = tilePath(t.level, t.index, t.width);
    const bytes = tiles.get(path);
    if (!bytes) throw new Error(`missing tile ${path}`);
    if (bytes.length !== t.width * HASH_BYTES) throw new Error(`tile ${path} has ${bytes.length} bytes, expected ${t.width * HASH_BYTES}`);
    const span = 2 ** (level - t.level * TILE_HEIGHT);
    const first = (index * span) % TILE_WIDTH;
    return perfectRoot(splitHashes(bytes.subarray(first * HASH_BYTES, (first + span) * HASH_BYTES)));
  };
}
