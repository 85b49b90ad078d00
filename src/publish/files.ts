// Writing the dataset's files: buffered appends, and each file's size and SHA-256 recorded for the checkpoint.
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
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

/** A JSON array written one element at a time. */
export class JsonArraySink {
  private first = true;
  constructor(private readonly sink: FileSink, private readonly after: string) {}

  /** `wrap` puts the array inside an object, e.g. ['{"grants":', '}']. */
  static async open(root: string, path: string, done: (file: DatasetFile) => void, wrap: [string, string] = ['', '']): Promise<JsonArraySink> {
    const sink = await FileSink.open(root, path, done);
    await sink.write(`${wrap[0]}[`);
    return new JsonArraySink(sink, wrap[1]);
  }

  async push(value: unknown): Promise<void> {
    await this.sink.write(`${this.first ? '\n' : ',\n'}${JSON.stringify(value)}`);
    this.first = false;
  }

  async close(): Promise<void> {
    await this.sink.write(`\n]${this.after}\n`);
    await this.sink.close();
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
