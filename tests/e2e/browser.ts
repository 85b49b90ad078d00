// Shared plumbing for browser tests: Debian's Chromium through playwright-core, and the built site
// served by its own Node process on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { openPglite } from '../../db/client';
import { generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { publishDataset } from '../../src/publish/export';


export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The flags keep a root, offline, headless Chromium from trying to reach the network.
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run "apt-get install -y chromium" (.ci/run does) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

// Starts the built server (dist/server/entry.mjs, or another build's entry) and waits until it answers.
export async function startServer(env: NodeJS.ProcessEnv = {}, entry = 'dist/server/entry.mjs'): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not answer within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    process: child,
    stop: () => new Promise((resolve) => {
      // A process ended by a signal has a null exitCode: check both, or a second stop waits forever.
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

// Newest modification time under the paths the server is built from.
function newestSource(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of paths) if (existsSync(path)) visit(path);
  return newest;
}

// Whether the process that took the build lock still runs (a lock just made may not name it yet).
function builderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    const made = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
    return made === undefined || Date.now() - made < 10_000;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

// Builds the site once for all test files (a lock folder keeps parallel files from building twice),
// and only when a source file is newer than the built server. The static pages come from a small
// demo dataset published once into .build/, since a fresh clone has no public-data/.
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `ancu-build-${createHash('sha256').update(process.cwd()).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // A lock left by a killed build would otherwise be waited on forever.
      if (!builderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const dataset = resolve('.build', 'e2e-dataset');
    // Republished from scratch when the code that makes it changed (the demo's entries are part of it).
    const note = join(dataset, 'checkpoint');
    if (!existsSync(note) || statSync(note).mtimeMs < newestSource(['src', 'db'])) {
      rmSync(dataset, { recursive: true, force: true });
      await publishSmallDemo(dataset);
    }
    const entry = 'dist/server/entry.mjs';
    const stale = !existsSync(entry) || statSync(entry).mtimeMs < newestSource(['src', 'db', 'astro.config.mjs', 'package.json', dataset]);
    if (stale) {
      const built = spawnSync('npx', ['astro', 'build'], { encoding: 'utf8', env: { ...process.env, ANCU_DATASET_DIR: dataset } });
      if (built.status !== 0) throw new Error(`astro build failed:\n${built.stdout}\n${built.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function publishSmallDemo(dataset: string): Promise<void> {
  const handle = openPglite('memory://');
  try {
    await handle.migrate();
    await loadDemo(handle, generateDemo(SMALL_DEMO));
    await publishDataset(handle.db, dataset);
  } finally {
    await handle.close();
  }
}
