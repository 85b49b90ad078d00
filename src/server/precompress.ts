// Brotli and gzip copies of every compressible file of a built site, made once at build so the server
// never compresses on a request. A copy is kept only when it is smaller than the original.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';
import { COMPRESSIBLE } from './static';

/** Pages and scripts are sent on every visit; open-data files are downloads, many, and grow with the gifts. */
export type Payload = 'page' | 'data';

// Small pages and scripts get Brotli's best; big files and the open data a fast level (about 16 % larger
// than the best, a hundredth of the time), or a build takes minutes and grows with the campaign.
export function brotliQuality(bytes: number, payload: Payload = 'page'): number {
  return payload === 'page' && bytes <= 256 * 1024 ? constants.BROTLI_MAX_QUALITY : 5;
}

// Every compressible file under `dir`, leaving out the top-level names `keep` refuses.
async function* files(dir: string, keep: (name: string) => boolean = () => true): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!keep(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && COMPRESSIBLE.has(extname(entry.name).toLowerCase())) yield path;
  }
}

export interface PrecompressReport {
  files: number;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

// Streams one file through a compressor into `to`, kept only when smaller; its size, or 0 when not kept.
// Streamed, so a file of hundreds of megabytes (records.ndjson at scale) costs buffers, not its size.
async function compressTo(from: string, to: string, bytes: number, compressor: BrotliCompress | Gzip): Promise<number> {
  await pipeline(createReadStream(from), compressor, createWriteStream(to));
  const { size } = await stat(to);
  if (size < bytes) return size;
  await rm(to);
  return 0;
}

// Compresses with a few files in flight (zlib runs them on libuv's thread pool).
export function precompressFolder(dir: string, keep?: (name: string) => boolean, concurrency = 4): Promise<PrecompressReport> {
  return precompressFiles(files(dir, keep), 'page', concurrency);
}

// The same for a list of files (a publish compresses only the files it changed).
export async function precompressFiles(paths: AsyncIterable<string> | Iterable<string>, payload: Payload = 'page', concurrency = 4): Promise<PrecompressReport> {
  const report: PrecompressReport = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const queue = (async function* () { yield* paths; })();
  const worker = async () => {
    for (;;) {
      const next = await queue.next();
      if (next.done) return;
      const path = next.value;
      const { size } = await stat(path);
      if (size < 256) continue;
      const [br, gzipped] = await Promise.all([
        compressTo(path, `${path}.br`, size, createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality(size, payload), [constants.BROTLI_PARAM_SIZE_HINT]: size } })),
        compressTo(path, `${path}.gz`, size, createGzip({ level: 9 })),
      ]);
      report.files += 1;
      report.bytes += size;
      report.brotliBytes += br;
      report.gzipBytes += gzipped;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return report;
}

// Hard links when both folders are on one file system (no bytes copied), a copy otherwise.
async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch((error: NodeJS.ErrnoException) => (error.code === 'EXDEV' ? copyFile(from, to) : Promise.reject(error)));
}

// Puts a published dataset into a site folder with its compressed copies. A publish hard-links every file
// it did not change to the previous dataset's (the same inode), so such a file takes the previous one's
// copies and only the changed files are compressed: the cost follows what changed, not the campaign.
export async function placeDataset(dataset: string, target: string, previous: string | null = null): Promise<PrecompressReport> {
  const fresh: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    await mkdir(join(target, rel), { recursive: true });
    for (const entry of await readdir(join(dataset, rel), { withFileTypes: true })) {
      const path = join(rel, entry.name);
      if (entry.isDirectory()) { await visit(path); continue; }
      if (!entry.isFile()) continue;
      if (dataset !== target) await linkOrCopy(join(dataset, path), join(target, path));
      if (COMPRESSIBLE.has(extname(entry.name).toLowerCase()) && !(previous !== null && await reuseCopies(join(target, path), join(previous, path)))) fresh.push(join(target, path));
    }
  };
  await visit('');
  return precompressFiles(fresh, 'data');
}

// Links the previous file's .br and .gz beside `path` when the two are one file (same inode); false otherwise.
async function reuseCopies(path: string, before: string): Promise<boolean> {
  const [now, then] = await Promise.all([stat(path), stat(before).catch(() => null)]);
  if (then === null || then.ino !== now.ino || then.dev !== now.dev) return false;
  for (const suffix of ['.br', '.gz']) await link(before + suffix, path + suffix).catch(() => {});
  return true;
}
