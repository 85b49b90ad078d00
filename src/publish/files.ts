// Writing the dataset's files: buffered appends, and each file's size and SHA-256 recorded for the checkpoint.
import * as crypto from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import { copyFile, link, mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DatasetFile } from './format';

const FLUSH_BYTES = 1 << 20;

export class FileSink {
  private chunks: string[] = [];
  private pending = 0;
  private bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  private constructor(readonly path: string, private readonly handle: FileHandle, private readonly done: (file: DatasetFile) => void) {}

  static async open(root: string, path: string, done: (file: DatasetFile) => void): Promise<FileSink> {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    return new FileSink(path, await open(full, 'w'), done);
  }

  // Appends text; the disk write happens once a megabyte has gathered, so callers never hold a whole file.
  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const buffer = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.pending = 0;
    this.hash.update(buffer);
    this.bytes += buffer.length;
    await this.handle.write(buffer);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
    this.done({ path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex') });
  }
}

// The bytes a JSON array file is made of, defined once for the streaming writer and for the verifier.
const arrayOpen = (wrap: [string, string]) => `${wrap[0]}[`;
const arrayItemText = (json: string, first: boolean) => `${first ? '\n' : ',\n'}${json}`;
const arrayItem = (value: unknown, first: boolean) => arrayItemText(JSON.stringify(value), first);
const arrayClose = (wrap: [string, string]) => `\n]${wrap[1]}\n`;

/** A single-value JSON file's text (summary.json, areas.json, a house's file). */
export const jsonFileText = (value: unknown) => `${JSON.stringify(value)}\n`;

/** A whole JSON array file's text, as JsonArraySink writes it. */
export function jsonArrayText(values: readonly unknown[], wrap: [string, string] = ['', '']): string {
  return arrayOpen(wrap) + values.map((v, i) => arrayItem(v, i === 0)).join('') + arrayClose(wrap);
}

/** A JSON array written one element at a time. */
export class JsonArraySink {
  private first = true;
  constructor(private readonly sink: FileSink, private readonly wrap: [string, string]) {}

  /** `wrap` puts the array inside an object, e.g. ['{"grants":', '}']. */
  static async open(root: string, path: string, done: (file: DatasetFile) => void, wrap: [string, string] = ['', '']): Promise<JsonArraySink> {
    const sink = await FileSink.open(root, path, done);
    await sink.write(arrayOpen(wrap));
    return new JsonArraySink(sink, wrap);
  }

  async push(value: unknown): Promise<void> {
    await this.pushRaw(JSON.stringify(value));
  }

  /** An element already serialised (a line of the last publish's file, kept as it was). */
  async pushRaw(json: string): Promise<void> {
    await this.sink.write(arrayItemText(json, this.first));
    this.first = false;
  }

  async close(): Promise<void> {
    await this.sink.write(arrayClose(this.wrap));
    await this.sink.close();
  }
}

/** The checkpoint's file list, sorted by name so two publishes of the same files list them alike (by name, not page: see ledgerPagesIn). */
export const manifestOrder = (files: readonly DatasetFile[]): DatasetFile[] => files.slice().sort((a, b) => a.path.localeCompare(b.path));

// Node's one-shot hash (20.12+) where there is one: for a million short texts it costs a fraction of createHash's.
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/** What a publish changed against the last one: paths written anew or gone; every other file is the last publish's, linked. */
export interface DatasetChanges {
  changed: string[];
  removed: string[];
  /** Bytes of the changed files: what a mirror or CDN has to take in. */
  changedBytes: number;
}

// A file whose path and SHA-256 match the last publish's manifest is replaced by a hard link to that
// file, so the new folder shares it (same inode) and a sync or cache purge touches only what changed.
export async function linkUnchanged(root: string, files: DatasetFile[], previous: { dir: string; files: DatasetFile[] } | undefined): Promise<DatasetChanges> {
  const before = new Map((previous?.files ?? []).map((f) => [f.path, f]));
  const changes: DatasetChanges = { changed: [], removed: [], changedBytes: 0 };
  for (const file of files) {
    const old = before.get(file.path);
    before.delete(file.path);
    if (previous && old && old.sha256 === file.sha256 && old.bytes === file.bytes && (await sizeOf(join(previous.dir, file.path))) === file.bytes) {
      const target = join(root, file.path);
      await unlink(target);
      await link(join(previous.dir, file.path), target).catch(() => copyFile(join(previous.dir, file.path), target));
      continue;
    }
    changes.changed.push(file.path);
    changes.changedBytes += file.bytes;
  }
  changes.removed = [...before.keys()];
  return changes;
}

// The size of a file of the last publish, or -1 when it is gone (then the new copy stays).
const sizeOf = (path: string) => stat(path).then((s) => s.size, () => -1);
