// The dataset verifier's reads: each file read once, from a folder or over HTTP, its bytes hashed as they
// pass and checked against the size and SHA-256 the checkpoint lists, so no check reads a file twice.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetFile } from './format';
import type { ReadFile } from './tlog/verify-log';

export const isUrl = (source: string) => /^https?:\/\//i.test(source);

// Big chunks: a million-entry journal streams in a few hundred reads instead of thousands.
const CHUNK_BYTES = 1 << 20;

// The bytes of one dataset file, streamed from a folder or over HTTP.
async function* bytesOf(source: string, path: string): AsyncGenerator<Uint8Array> {
  if (isUrl(source)) {
    const response = await fetch(new URL(path, source.endsWith('/') ? source : `${source}/`));
    if (!response.ok || !response.body) throw new Error(`${path}: HTTP ${response.status}`);
    yield* response.body as unknown as AsyncIterable<Uint8Array>;
  } else {
    yield* createReadStream(join(source, path), { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Uint8Array>;
  }
}

// A whole file's bytes; from a folder, read synchronously: thousands of small tiles and pages each cost
// four promise round trips (open, stat, read, close) when read asynchronously, more than the read itself.
async function readBytes(source: string, path: string): Promise<Uint8Array> {
  if (!isUrl(source)) return readFileSync(join(source, path));
  const parts: Uint8Array[] = [];
  for await (const chunk of bytesOf(source, path)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Reads files of a dataset folder or URL, for the log checks that need only a few of them. */
export const datasetReader = (source: string): ReadFile => (path) => readBytes(source, path);

/** A check's finding: the journal entry (when one is to blame), the file, and why. */
export class Fault extends Error {
  constructor(readonly entryId: number | null, readonly file: string, reason: string) {
    super(reason);
  }
}

const HASH_REASON = 'the file differs from the SHA-256 in the checkpoint';
/** A file whose bytes are not the ones the checkpoint lists (or that it does not list where it must). */
export const hashFault = (path: string) => new Fault(null, path, HASH_REASON);

/** Whether a fault is a file's bytes differing from the checkpoint's list (named before anything read from the file). */
export const isHashFault = (fault: Fault) => fault.message === HASH_REASON;

/** The dataset's files as the checkpoint lists them; every read of a listed file is checked against the list. */
export class DatasetFiles {
  private readonly listed: Map<string, DatasetFile>;
  private readonly read = new Set<string>();

  constructor(readonly source: string, files: readonly DatasetFile[]) {
    this.listed = new Map(files.map((f) => [f.path, f]));
  }

  /** Whether the checkpoint lists the file. */
  lists(path: string): boolean {
    return this.listed.has(path);
  }

  // The listing of a file against the bytes read: unlisted files (the signed notes) are not in the list.
  private settle(path: string, bytes: number, sha256: string): void {
    this.read.add(path);
    const listed = this.listed.get(path);
    if (listed && (listed.bytes !== bytes || listed.sha256 !== sha256)) throw hashFault(path);
  }

  /** A whole file (checked before anyone reads it): pages, records, small JSON files. */
  async bytes(path: string): Promise<Uint8Array> {
    const bytes = await readBytes(this.source, path);
    this.settle(path, bytes.length, createHash('sha256').update(bytes).digest('hex'));
    return bytes;
  }

  async text(path: string): Promise<string> {
    return utf8Text(await this.bytes(path));
  }

  /** A file's bytes as they stream past; the last step checks the whole against the list (a check that stops early learns nothing of it). */
  async *stream(path: string): AsyncGenerator<Uint8Array> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of bytesOf(this.source, path)) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
    this.settle(path, bytes, hash.digest('hex'));
  }

  /**
   * Runs a check over a file's bytes as they stream; a fault it finds in a file whose bytes are not the
   * listed ones is reported as that (the same answer a whole-file read gives), so reading the rest first.
   */
  async check<T>(path: string, use: (bytes: AsyncIterable<Uint8Array>) => Promise<T>): Promise<T> {
    const bytes = this.stream(path);
    // No return(): a check that stops early must not end the stream before its hash is complete.
    const kept = { [Symbol.asyncIterator]: () => ({ next: () => bytes.next() }) };
    const drain = async () => {
      while (!(await bytes.next()).done);
    };
    const result = await use(kept).catch(async (error: unknown) => {
      await drain();
      throw error;
    });
    await drain();
    return result;
  }

  /** Whole files in order, the next one already being read while the caller checks the current one. */
  async *inOrder(paths: readonly string[]): AsyncGenerator<{ path: string; bytes: Uint8Array }> {
    let next = paths.length > 0 ? this.bytes(paths[0]!) : undefined;
    for (let i = 0; i < paths.length; i++) {
      const current = next!;
      next = i + 1 < paths.length ? this.bytes(paths[i + 1]!) : undefined;
      next?.catch(() => {}); // awaited on the next turn; a caller that stops early leaves it unobserved
      yield { path: paths[i]!, bytes: await current };
    }
  }

  /** The listed files under a folder that no check has read. */
  unread(prefix: string): string[] {
    return [...this.listed.keys()].filter((path) => path.startsWith(prefix) && !this.read.has(path));
  }

  /** Every listed file no check has read yet (but those `elsewhere` checks, and a `folder` checked later), hashed: the SHA-256 list is checked in full. */
  async rest(elsewhere: readonly string[], folder?: string): Promise<void> {
    const skip = new Set(elsewhere);
    for await (const _ of this.inOrder([...this.listed.keys()].filter((path) => !this.read.has(path) && !skip.has(path) && !(folder && path.startsWith(folder)))));
  }
}

const UTF8 = new TextDecoder();

/** UTF-8 text of bytes read whole (TextDecoder: in Node 20 over twice as fast as Buffer's toString on Vietnamese text). */
export const utf8Text = (bytes: Uint8Array) => UTF8.decode(bytes);

/** Reads a byte stream by expected pieces: whether it goes on with given bytes, and what it holds instead. */
export class ByteCursor {
  private buffered = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly pieces: AsyncIterator<Uint8Array>) {}

  // Buffers at least `length` bytes ahead, unless the stream ends first.
  private async fill(length: number): Promise<void> {
    while (!this.ended && this.buffered.length < length) {
      const next = await this.pieces.next();
      if (next.done) this.ended = true;
      else this.buffered = Buffer.concat([this.buffered, next.value]);
    }
  }

  /** Consumes `expected` when the stream goes on with exactly it. */
  async take(expected: Uint8Array): Promise<boolean> {
    await this.fill(expected.length);
    if (this.buffered.length < expected.length || !this.buffered.subarray(0, expected.length).equals(expected)) return false;
    this.buffered = this.buffered.subarray(expected.length);
    return true;
  }

  /** Up to `length` bytes ahead, left unread (to show what was found instead of what was expected). */
  async peek(length: number): Promise<Uint8Array> {
    await this.fill(length);
    return this.buffered.subarray(0, length);
  }
}
