// Writes the journal's transparency log into a dataset folder: C2SP tiles and entry bundles, incrementally.
// Full tiles and bundles that the previous publish already wrote are linked, not rewritten (after checking
// they are byte-identical: a difference means the journal was rewritten, and nothing is published); only new
// full tiles and the right edge are written. Partial tiles of earlier checkpoints stay until their full tile exists.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { hashLeaf, sameHash, type Hash } from './merkle';
import { bundleRecord, concatHashes, entriesPath, TileBuilder, tilePath, TILE_WIDTH, type TileOut } from './tiles';
import { toBase64 } from './sha256';

export interface LogWriteReport {
  size: number;
  root: Hash;
  /** Tiles and bundles written now / carried over from the previous publish unchanged. */
  written: number;
  reused: number;
}

/** The journal does not extend the last signed log: refused, since a log that forks proves nothing. */
export class LogRewrittenError extends Error {
  constructor(reason: string) {
    super(`${reason} If this database is meant to start a new log (it replaced the demo, say), publish into an empty folder or remove the previous site's du-lieu/ folder.`);
  }
}

export class LogWriter {
  private readonly builder: TileBuilder;
  private readonly pending: Promise<void>[] = [];
  private bundle: Uint8Array[] = [];
  private written = 0;
  private reused = 0;
  private failure: Error | undefined;

  /**
   * `previous`: the last published folder and its checkpoint (size, root), or undefined for a first publish.
   */
  /** Entries seen so far (the first `previous.size` are not rehashed when the log continues from tiles). */
  private seen = 0;
  private continued = false;

  constructor(private readonly root: string, private readonly previous?: { dir: string; size: number; root: Hash }) {
    this.builder = new TileBuilder((tile) => this.track(this.fullTile(tile)));
  }

  /**
   * Continues from the previous publish's right edge instead of rehashing its leaves, once its tiles give
   * its signed root. The caller must check the old entries are unchanged some other way (the publish checks
   * the hash chain's head at the previous size against the signed checkpoint's `chain` line).
   */
  continueFromPrevious(): boolean {
    const previous = this.previous;
    if (!previous || previous.size === 0) return false;
    try {
      this.builder.seed(previous.size, (path) => new Uint8Array(readFileSync(join(previous.dir, path))));
    } catch {
      return false;
    }
    if (!sameHash(this.builder.root(), previous.root)) {
      throw new LogRewrittenError(`The previous publish's tiles do not give its signed root hash (${toBase64(previous.root)}).`);
    }
    this.continued = true;
    return true;
  }

  /**
   * An incremental publish feeds only the entries from the start of the previous log's unfinished bundle
   * on: returns that entry count (the caller appends from the next entry), once the log continued.
   */
  resumeAt(count: number): number {
    if (!this.continued || count !== this.previous!.size) throw new Error('The log resumes only where the previous publish ended.');
    this.seen = Math.floor(count / TILE_WIDTH) * TILE_WIDTH;
    return this.seen;
  }

  /** How many leading entries are covered by the previous log (nothing to hash or write for them). */
  get carriedOver(): number {
    return this.continued ? this.previous!.size : 0;
  }

  // Errors surface at the next append or at finish, so tile I/O overlaps with reading the journal.
  private track(work: Promise<void>): void {
    this.pending.push(work.catch((error: Error) => { this.failure ??= error; }));
  }

  private async place(path: string, bytes: Uint8Array, what: string): Promise<void> {
    const target = join(this.root, path);
    await mkdir(dirname(target), { recursive: true });
    const old = this.previous && join(this.previous.dir, path);
    if (old && existsSync(old)) {
      const published = await readFile(old);
      if (!Buffer.from(bytes).equals(published)) {
        throw new LogRewrittenError(`${what} ${path} differs from the one already published: the journal before entry #${this.builder.size} was rewritten. Nothing was published.`);
      }
      await link(old, target).catch(() => copyFile(old, target));
      this.reused++;
      return;
    }
    await writeFile(target, bytes, { flag: 'wx' });
    this.written++;
  }

  private fullTile(tile: TileOut): Promise<void> {
    return this.place(tilePath(tile.level, tile.index), concatHashes(tile.hashes), 'tile');
  }

  /** Appends the next journal entry's canonical bytes (the leaf). */
  async append(entry: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const index = this.seen++;
    if (index < this.carriedOver) {
      // Only the entries of the previous partial bundle are needed again, to write the next bundle.
      if (index >= Math.floor(this.carriedOver / TILE_WIDTH) * TILE_WIDTH) this.bundle.push(bundleRecord(entry));
      return;
    }
    this.bundle.push(bundleRecord(entry));
    this.builder.append(hashLeaf(entry));
    if (this.previous && this.builder.size === this.previous.size && !sameHash(this.builder.root(), this.previous.root)) {
      throw new LogRewrittenError(`The journal's first ${this.previous.size} entries no longer give the root hash of the last signed checkpoint (${toBase64(this.previous.root)}): entries were rewritten. Nothing was published.`);
    }
    if (this.bundle.length === TILE_WIDTH) {
      const index = this.builder.size / TILE_WIDTH - 1;
      this.track(this.place(entriesPath(index), Buffer.concat(this.bundle), 'entry bundle'));
      this.bundle = [];
    }
    if (this.pending.length > 64) await this.drain();
  }

  private async drain(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure;
  }

  /** Writes the right edge, carries over earlier partial tiles still needed, and returns the tree head. */
  async finish(): Promise<LogWriteReport> {
    if (this.previous && this.seen < this.previous.size) {
      throw new LogRewrittenError(`The journal has ${this.seen} entries but the last signed checkpoint has ${this.previous.size}: entries were removed. Nothing was published.`);
    }
    const size = this.builder.size;
    for (const tile of this.builder.partials()) {
      this.track(this.place(tilePath(tile.level, tile.index, tile.hashes.length), concatHashes(tile.hashes), 'tile'));
    }
    if (this.bundle.length > 0) this.track(this.place(entriesPath(Math.floor(size / TILE_WIDTH), this.bundle.length), Buffer.concat(this.bundle), 'entry bundle'));
    await this.drain();
    if (this.continued) await this.linkEarlierFullFiles();
    if (this.previous) await this.keepEarlierPartials();
    return { size, root: this.builder.root(), written: this.written, reused: this.reused };
  }

  // The previous log's full tiles and bundles, linked as they are (the signed root and the chain vouch for them).
  private async linkEarlierFullFiles(): Promise<void> {
    const base = join(this.previous!.dir, 'tile');
    for (const path of await walk(base)) {
      const rel = relative(this.previous!.dir, path);
      if (rel.includes('.p/') || existsSync(join(this.root, rel))) continue;
      await mkdir(dirname(join(this.root, rel)), { recursive: true });
      await link(path, join(this.root, rel)).catch(() => copyFile(path, join(this.root, rel)));
      this.reused++;
    }
  }

  // tlog-tiles: partial tiles of earlier checkpoints must stay served until the full tile replaces them.
  private async keepEarlierPartials(): Promise<void> {
    const base = join(this.previous!.dir, 'tile');
    if (!existsSync(base)) return;
    for (const path of await walk(base)) {
      const rel = relative(this.previous!.dir, path);
      const match = /^(.*)\.p\/\d+$/.exec(rel);
      if (!match || existsSync(join(this.root, match[1]!)) || existsSync(join(this.root, rel))) continue;
      await mkdir(dirname(join(this.root, rel)), { recursive: true });
      await link(path, join(this.root, rel)).catch(() => copyFile(path, join(this.root, rel)));
    }
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}
