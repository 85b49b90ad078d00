// Brotli and gzip copies of every compressible file of a built site, made once at build so the server
// never compresses on a request. A copy is kept only when it is smaller than the original.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { COMPRESSIBLE } from './static';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

// Small files (pages, scripts) get Brotli's best; big data files a faster level, or a build takes minutes.
export function brotliQuality(bytes: number): number {
  return bytes <= 256 * 1024 ? constants.BROTLI_MAX_QUALITY : 6;
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
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

// Compresses with a few files in flight (zlib runs them on libuv's thread pool).
export function precompressFolder(dir: string, concurrency = 4): Promise<PrecompressReport> {
  return precompressFiles(files(dir), concurrency);
}

// The same for a list of files (a publish compresses only the files it changed).
export async function precompressFiles(paths: AsyncIterable<string> | Iterable<string>, concurrency = 4): Promise<PrecompressReport> {
  const report: PrecompressReport = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const queue = (async function* () { yield* paths; })();
  const worker = async () => {
    for (;;) {
      const next = await queue.next();
      if (next.done) return;
      const path = next.value;
      const original = await readFile(path);
      if (original.length < 256) continue;
      const [br, gzipped] = await Promise.all([
        brotli(original, { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality(original.length), [constants.BROTLI_PARAM_SIZE_HINT]: original.length } }),
        gz(original, { level: 9 }),
      ]);
      report.files += 1;
      report.bytes += original.length;
      if (br.length < original.length) { await writeFile(`${path}.br`, br); report.brotliBytes += br.length; }
      if (gzipped.length < original.length) { await writeFile(`${path}.gz`, gzipped); report.gzipBytes += gzipped.length; }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return report;
}
