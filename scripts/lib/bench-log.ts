// The transparency log's figures for bench:site: tile writing (whole journal, then incrementally after
// 1,000 more entries), proof sizes at a million entries, and an inclusion proof verified in Chromium
// with Lighthouse's mobile CPU throttling (4×). Light: no database, no site build.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { canonicalOfRecord, type JournalRecord } from '../../src/publish/chain';
import { consistencyProof, inclusionProof } from '../../src/publish/tlog/merkle';
import { LogWriter } from '../../src/publish/tlog/log-writer';
import { recordTiles } from '../../src/publish/tlog/tiles';
import { formatCheckpoint } from '../../src/publish/tlog/note';
import { generatePrivateKey, signerFromPrivateKey } from '../../src/publish/tlog/signer';
import { CHROMIUM_PATH } from '../../tests/e2e/browser';

const encoder = new TextEncoder();

// A synthetic entry of a typical size (a gift with three lines), for runs without a published journal.
const syntheticEntry = (id: number) => encoder.encode(JSON.stringify({
  id, kind: 'contribution', occurred_at: new Date(1_725_000_000_000 + id * 60_000).toISOString(), description: `Ủng hộ chuyển khoản AC${String(id).padStart(8, '0')}`,
  contribution_id: id, reverses_entry_id: null, reason: null, lines: [['cash_bank', null, null, id, 500_000], ['pool_general', null, null, id, -500_000]],
}));

// The journal's leaves from a published dataset folder (its journal chunks), or synthetic ones.
async function leavesOf(dataDir: string | undefined, synthetic: number): Promise<Uint8Array[]> {
  if (!dataDir) return Array.from({ length: synthetic }, (_, i) => syntheticEntry(i + 1));
  const checkpoint = JSON.parse(await readFile(join(dataDir, 'checkpoint.json'), 'utf8')) as { journal_chunks: string[] };
  const out: Uint8Array[] = [];
  for (const chunk of checkpoint.journal_chunks) {
    for await (const line of createInterface({ input: createReadStream(join(dataDir, chunk)) })) {
      if (line.trim()) out.push(encoder.encode(canonicalOfRecord(JSON.parse(line) as JournalRecord)));
    }
  }
  return out;
}

async function writeLog(dir: string, leaves: Uint8Array[], previous?: { dir: string; size: number; root: Uint8Array }) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  const writer = new LogWriter(dir, previous);
  // As a publish does once the chain's head at the previous size matches the signed checkpoint.
  if (previous) writer.continueFromPrevious();
  for (const leaf of leaves) await writer.append(leaf);
  const report = await writer.finish();
  return { ...report, ms: performance.now() - started };
}

/** Runs the log benchmarks in `scratch`; returns the README-ready lines. */
export async function benchLog(scratch: string, options: { dataDir?: string; synthetic?: number } = {}): Promise<string[]> {
  const lines: string[] = [];
  const leaves = await leavesOf(options.dataDir, options.synthetic ?? 100_000);
  const full = await writeLog(join(scratch, 'log-full'), leaves);
  lines.push(`Tiles for the whole journal (${leaves.length.toLocaleString('en')} entries, ${options.dataDir ? 'the published demo' : 'synthetic'}): ${full.ms.toFixed(0)} ms, ${full.written.toLocaleString('en')} tiles and bundles written.`);
  const more = [...leaves, ...Array.from({ length: 1000 }, (_, i) => syntheticEntry(leaves.length + i + 1))];
  const incremental = await writeLog(join(scratch, 'log-next'), more, { dir: join(scratch, 'log-full'), size: full.size, root: full.root });
  lines.push(`Incrementally after 1,000 more entries: ${incremental.ms.toFixed(0)} ms (${incremental.written} written, ${incremental.reused.toLocaleString('en')} linked from the previous publish; only the new leaves hashed) ${incremental.ms < 1000 ? '✓' : '✗'} (aim < 1 s).`);

  // Proof sizes depend only on the tree's shape: counted over a dummy tree of a million leaves.
  const n = 1_000_000;
  const shape = recordTiles(n);
  let maxInclusion = 0;
  let maxConsistency = 0;
  for (let k = 0; k < 2000; k++) {
    const i = Math.floor(((k * 7919) % 2000) / 2000 * n);
    maxInclusion = Math.max(maxInclusion, inclusionProof(shape.node, i, n).length);
    maxConsistency = Math.max(maxConsistency, consistencyProof(shape.node, 1 + i, n).length);
  }
  const tiles = recordTiles(n);
  inclusionProof(tiles.node, n - 300, n);
  lines.push(`At 1,000,000 entries: inclusion proof ≤ ${maxInclusion} hashes = ${maxInclusion * 32} bytes ${maxInclusion * 32 < 1024 ? '✓' : '✗'} (aim < 1 KB); consistency proof ≤ ${maxConsistency} hashes = ${maxConsistency * 32} bytes; a browser fetching tiles to build one inclusion proof reads ${tiles.paths().length} tiles (≤ ${(tiles.paths().length * 8).toFixed(0)} KiB).`);

  lines.push(await browserVerify(join(scratch, 'log-next'), more));
  return lines;
}

// Serves the tiles and a signed checkpoint, and times the same verify-log code the receipt page runs.
async function browserVerify(dir: string, leaves: Uint8Array[]): Promise<string> {
  const signer = signerFromPrivateKey(generatePrivateKey('bench.an-cu/journal'));
  const writer = await writeLog(join(dir, '..', 'log-browser'), leaves);
  const base = join(dir, '..', 'log-browser');
  const text = formatCheckpoint({ origin: signer.name, size: writer.size, root: writer.root, extensions: [] });
  const note = `${text}\n${signer.sign(text)}`;
  const bundle = await build({
    stdin: { contents: "export * from './src/publish/tlog/verify-log'; export { hashLeaf } from './src/publish/tlog/merkle';", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, format: 'iife', globalName: 'tlog', write: false, target: 'es2022',
  });
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(req.url!.slice(1));
    if (path === '') { res.setHeader('content-type', 'text/html'); res.end(`<script>${bundle.outputFiles[0]!.text}</script>`); return; }
    if (path === 'checkpoint') { res.end(note); return; }
    try { res.end(await readFile(join(base, path))); } catch { res.statusCode = 404; res.end(); }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const index = Math.floor(leaves.length / 3);
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      // A string, not a function: tsx would wrap named functions in a helper the page does not have.
      const args = JSON.stringify({ noteText: note, key: signer.verifierKey, index, leaf: new TextDecoder().decode(leaves[index]!) });
      times.push(await page.evaluate(`(async () => {
        const a = ${args};
        const started = performance.now();
        const checkpoint = await tlog.openCheckpoint(a.noteText, tlog.trustPolicy(a.key));
        const result = await tlog.checkInclusion(async (p) => new Uint8Array(await (await fetch('/' + p)).arrayBuffer()), checkpoint, a.index, new TextEncoder().encode(a.leaf));
        if (!result.ok) throw new Error('proof failed');
        return performance.now() - started;
      })()`) as number);
    }
    times.sort((a, b) => a - b);
    return `In Chromium with 4× CPU throttling (Lighthouse mobile), signature + tiles fetched + inclusion proof verified: median ${times[2]!.toFixed(0)} ms over 5 runs (local server, no network latency).`;
  } finally {
    await browser.close();
    server.close();
  }
}
