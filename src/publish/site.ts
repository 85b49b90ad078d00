// Builds the public site from a fresh dataset beside the one being served, then swaps it in at once.
// Layout of a site folder (dist/ by default): server/ (the running server), client → builds/<id>/client
// (a symlink the Node adapter resolves on every request), builds/<id>/ (the last two builds).
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { link, mkdir, readdir, realpath, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from '../../db/client';
import { DomainError } from '../domain/errors';
import { publishDataset, type PublishReport } from './export';
import { builtSiteRoot } from './read';
import { placeDataset } from '../server/precompress';

export interface SiteLayout {
  root: string;
  client: string;
  server: string;
  builds: string;
}

const BUILDS_KEPT = 2;

// The site folder is the one the running server came from (…/server/entry.mjs), unless ANCU_SITE_DIR says.
export function siteLayout(root = process.env.ANCU_SITE_DIR ?? builtSiteRoot() ?? 'dist'): SiteLayout {
  const full = resolve(root);
  return { root: full, client: join(full, 'client'), server: join(full, 'server'), builds: join(full, 'builds') };
}

// Sortable by time, unique enough for one publish at a time.
export const newBuildId = (now = new Date()) => `${now.toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 18)}-${process.pid}`;

// The build the site folder serves now, or null when client/ is not a swappable link.
export function currentBuild(layout: SiteLayout): string | null {
  try {
    return lstatSync(layout.client).isSymbolicLink() ? basename(dirname(readlinkSync(layout.client))) : null;
  } catch {
    return null;
  }
}

// A running server can only be given a new site when it was started with the swappable layout.
export function assertSwappable(layout: SiteLayout): void {
  if (currentBuild(layout) !== null) return;
  throw new DomainError(409, 'site_not_swappable',
    `Trang công khai trong ${layout.root} không được khởi động bằng npm start (client/ không phải liên kết), nên không thể thay khi đang chạy. Hãy khởi động lại bằng npm start.`,
    `The public site in ${layout.root} was not started by npm start (client/ is not a link), so it cannot be replaced while running. Restart with npm start.`);
}

// Runs `astro build` in a child process, so the server keeps answering meanwhile; its output is kept for errors.
// `previousDataset` (the served one, which the publish hard-linked its unchanged files to) lends the build
// its compressed copies of those files.
export function astroBuild(outDir: string, datasetDir: string, previousDataset: string | null = null, projectDir = process.cwd()): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(projectDir, 'node_modules/astro/astro.js'), 'build', '--outDir', outDir], {
      cwd: projectDir, env: { ...process.env, ANCU_DATASET_DIR: datasetDir, ...(previousDataset === null ? {} : { ANCU_PREVIOUS_DATASET_DIR: previousDataset }) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`astro build exited with ${code}:\n${output}`))));
  });
}

const DATASET_FOLDER = 'du-lieu';

export type BuildStage = 'dataset' | 'build' | 'swap';

export interface SiteBuild {
  id: string;
  dataset: PublishReport;
}

// Publishes the dataset through the caller's own database handle (the server's, with PGlite), then builds.
export async function buildSite(db: Db, layout: SiteLayout, onStage: (stage: BuildStage) => void = () => {}): Promise<SiteBuild> {
  const id = newBuildId();
  const outDir = join(layout.builds, id);
  const datasetDir = `${outDir}.dataset`;
  await mkdir(layout.builds, { recursive: true });
  try {
    onStage('dataset');
    // The served dataset is the previous publish: its tiles are reused and its checkpoint history extended.
    const previous = join(layout.client, DATASET_FOLDER);
    const dataset = await publishDataset(db, datasetDir, { previous });
    onStage('build');
    await astroBuild(outDir, datasetDir, existsSync(previous) ? await realpath(previous) : null);
    return { id, dataset };
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    // The build linked the dataset into the site at /du-lieu/.
    await rm(datasetDir, { recursive: true, force: true });
  }
}

// Publishes the dataset and serves it without an astro build: the new build is the served one's files,
// hard-linked, with the new dataset in /du-lieu/. House and ledger pages render from it on request;
// prerendered pages (home, areas, reports) keep the last full build's figures until the next one.
export async function refreshSite(db: Db, layout: SiteLayout): Promise<SiteBuild> {
  assertSwappable(layout);
  const id = newBuildId();
  const served = await realpath(layout.client);
  const newClient = join(layout.builds, id, 'client');
  try {
    await linkTree(served, newClient, (rel) => rel !== DATASET_FOLDER);
    const previous = join(served, DATASET_FOLDER);
    const out = join(newClient, DATASET_FOLDER);
    const dataset = await publishDataset(db, out, { previous });
    await placeDataset(out, out, previous);
    return { id, dataset };
  } catch (error) {
    await rm(join(layout.builds, id), { recursive: true, force: true });
    throw error;
  }
}

// A copy of a folder made of hard links (no bytes copied), leaving out the top-level names `keep` refuses
// and any file `to` already has.
async function linkTree(from: string, to: string, keep: (name: string) => boolean): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (!keep(entry.name)) continue;
    if (entry.isDirectory()) await linkTree(join(from, entry.name), join(to, entry.name), () => true);
    else if (entry.isFile()) await link(join(from, entry.name), join(to, entry.name)).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error; });
  }
}

// Points client/ at the new build in one rename, so every request sees either the old site or the new one.
// Hashed assets of earlier builds are copied in first: pages rendered by the running (older) server bundle
// still link to them. With `withServer` (no server running yet) the build's server also replaces server/.
export async function activateBuild(layout: SiteLayout, id: string, { withServer = false } = {}): Promise<void> {
  const newClient = join(layout.builds, id, 'client');
  const previous = currentBuild(layout);
  if (previous !== null && existsSync(join(layout.client, '_astro'))) {
    await linkTree(join(layout.client, '_astro'), join(newClient, '_astro'), () => true);
  }
  if (withServer) {
    await rm(layout.server, { recursive: true, force: true });
    await rename(join(layout.builds, id, 'server'), layout.server);
    if (previous === null) await rm(layout.client, { recursive: true, force: true });
  } else {
    assertSwappable(layout);
  }
  const link = `${layout.client}.tmp-${process.pid}`;
  await rm(link, { force: true });
  await symlink(join('builds', id, 'client'), link);
  await rename(link, layout.client);
  // Only the running server's bundle is used: a later build's server/ is dead weight.
  await rm(join(layout.builds, id, 'server'), { recursive: true, force: true });
  await pruneBuilds(layout, id);
}

// Keeps the new build and the one before it (a request may still be reading a file of the old one).
async function pruneBuilds(layout: SiteLayout, current: string): Promise<void> {
  const ids = (await readdir(layout.builds)).filter((name) => !name.endsWith('.dataset')).sort();
  const keep = new Set([current, ...ids.filter((name) => name < current).slice(-(BUILDS_KEPT - 1))]);
  for (const name of ids) if (!keep.has(name)) await rm(join(layout.builds, name), { recursive: true, force: true });
}
