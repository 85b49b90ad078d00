// The site's only source: the published dataset folder (never the database). The build reads it to
// prerender pages; the running server reads the dataset it serves at /du-lieu/ to render house and
// ledger pages on request, and notices a new publish by its checkpoint.json.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LOG_FILES, type HistoryLine } from './tlog/history';
import type { SixMonthReport } from '../staff/report';
import { FILES, type Checkpoint, type HouseDetail, type PublicArea, type PublicCampaign, type PublicContribution, type PublicHouse, type Summary } from './format';

// The site folder a built server runs from (…/server/entry.mjs), or null for any other program.
export function builtSiteRoot(entry = process.argv[1] ?? ''): string | null {
  return basename(entry) === 'entry.mjs' && basename(dirname(entry)) === 'server' ? dirname(dirname(entry)) : null;
}

// ANCU_DATASET_DIR moves it (the build is given it; npm run serve sets it to the dataset it serves); a
// built server started on its own reads its site's /du-lieu/; otherwise public-data/ (git-ignored).
export function datasetDir(): string {
  if (process.env.ANCU_DATASET_DIR) return resolve(process.env.ANCU_DATASET_DIR);
  const site = builtSiteRoot();
  return site === null ? resolve('public-data') : resolve(site, 'client', 'du-lieu');
}

const cache = new Map<string, unknown>();
let areaIndex: Map<string, PublicArea> | undefined;
/** Where each house's line lies in houses.json, and each commune's house codes: a few bytes a house instead of the parsed list. */
let houseIndex: HouseIndex | undefined;
let seen: { dir: string; ino: number; mtimeMs: number; size: number } | undefined;

// A new publish swapped in (another checkpoint.json, or another folder) empties the caches, so a
// server never mixes two publishes; within one build the check is one stat per read.
function freshCache(dir: string): void {
  const info = statSync(join(dir, FILES.checkpoint), { throwIfNoEntry: false });
  if (!info) return;
  if (seen && seen.dir === dir && seen.ino === info.ino && seen.mtimeMs === info.mtimeMs && seen.size === info.size) return;
  cache.clear();
  areaIndex = undefined;
  houseIndex = undefined;
  seen = { dir, ino: info.ino, mtimeMs: info.mtimeMs, size: info.size };
}

// Reads one JSON file of the dataset once per publish; a missing dataset says how to make it.
function readJson<T>(path: string): T {
  const dir = datasetDir();
  freshCache(dir);
  const full = join(dir, path);
  if (!cache.has(full)) {
    if (!existsSync(full)) throw new Error(`The open dataset has no ${path} in ${datasetDir()}: run "npm run publish" before building the site.`);
    cache.set(full, JSON.parse(readFileSync(full, 'utf8')));
  }
  return cache.get(full) as T;
}

// Per-page files are read without caching, so a build of many pages holds one at a time.
function readOnce<T>(path: string): T {
  return JSON.parse(readFileSync(join(datasetDir(), path), 'utf8')) as T;
}

/** The validators of the dataset a page is rendered from: one publish, one ETag. */
export interface DatasetVersion {
  etag: string;
  modified: Date;
}

// The checkpoint's SHA-256 names the whole publish (it lists every file's hash); its time is the publish's.
export function datasetVersion(): DatasetVersion {
  const key = '#version';
  const checkpoint = dataset.checkpoint();
  if (!cache.has(key)) {
    const text = readFileSync(join(datasetDir(), FILES.checkpoint));
    cache.set(key, { etag: `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`, modified: new Date(checkpoint.generated_at) });
  }
  return cache.get(key) as DatasetVersion;
}

export const dataset = {
  checkpoint: () => readJson<Checkpoint>(FILES.checkpoint),
  campaign: () => readJson<PublicCampaign>(FILES.campaign),
  summary: () => readJson<Summary>(FILES.summary),
  areas: () => readJson<PublicArea[]>(FILES.areas),
  house: (code: string) => readOnce<HouseDetail>(FILES.house(code)),
  /** One house of the list by its public code (for pages rendered on request): its one line of houses.json is read and parsed. */
  houseByCode: (code: string): PublicHouse | undefined => housesByCode([code])[0],
  /** A commune's houses in list order (for pages rendered on request): only their lines are read and parsed. */
  housesIn: (areaCode: string): PublicHouse[] => housesByCode(indexOfHouses().byArea.get(areaCode) ?? []),
  /** The whole list parsed for one render and not kept, so a server holds no list that grows with the campaign. */
  housesOnce: () => readOnce<PublicHouse[]>(FILES.houses),
  ledgerPage: (page: number) => readOnce<PublicContribution[]>(FILES.ledgerPage(page)),
  /** The signed checkpoints of every publish, oldest first. */
  logHistory: (): HistoryLine[] => {
    const full = join(datasetDir(), LOG_FILES.history);
    return existsSync(full) ? readFileSync(full, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as HistoryLine) : [];
  },
  report: (period: string) => readOnce<SixMonthReport>(FILES.report(period)),
};

/** Each house's byte range in houses.json by code, and each commune's house codes in list order. */
interface HouseIndex {
  lines: Map<string, [start: number, end: number]>;
  byArea: Map<string, string[]>;
}

// The house index of the served publish, made once per publish.
function indexOfHouses(): HouseIndex {
  const dir = datasetDir();
  freshCache(dir);
  return (houseIndex ??= houseLines(join(dir, FILES.houses)));
}

// The houses with these codes (unknown codes left out), each read from its own line of houses.json.
function housesByCode(codes: readonly string[]): PublicHouse[] {
  const { lines } = indexOfHouses();
  const found = codes.flatMap((code) => { const at = lines.get(code); return at ? [at] : []; });
  if (found.length === 0) return [];
  const fd = openSync(join(datasetDir(), FILES.houses), 'r');
  try {
    return found.map(([start, end]) => {
      const bytes = Buffer.alloc(end - start);
      readSync(fd, bytes, 0, bytes.length, start);
      return JSON.parse(bytes.toString('utf8')) as PublicHouse;
    });
  } finally {
    closeSync(fd);
  }
}

// houses.json is written a house per line: each line's code and commune are read without parsing the house.
function houseLines(path: string): HouseIndex {
  if (!existsSync(path)) throw new Error(`The open dataset has no ${FILES.houses} in ${datasetDir()}: run "npm run publish" before building the site.`);
  const text = readFileSync(path);
  const index: HouseIndex = { lines: new Map(), byArea: new Map() };
  const prefix = /^\{"id":\d+,"code":("(?:[^"\\]|\\.)*")/;
  const area = /"area_code":("(?:[^"\\]|\\.)*")/;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    const lineEnd = text[end - 1] === 44 ? end - 1 : end;
    const line = text.toString('utf8', start, lineEnd);
    const match = prefix.exec(line);
    if (match) {
      const code = JSON.parse(match[1]!) as string;
      index.lines.set(code, [start, lineEnd]);
      const areaMatch = area.exec(line);
      if (areaMatch) {
        const areaCode = JSON.parse(areaMatch[1]!) as string;
        const codes = index.byArea.get(areaCode);
        if (codes) codes.push(code);
        else index.byArea.set(areaCode, [code]);
      }
    }
    start = end + 1;
  }
  return index;
}

// Areas by code, and the district above a commune, for naming places on every page.
export function areaByCode(code: string | null): PublicArea | undefined {
  const areas = dataset.areas();
  areaIndex ??= new Map(areas.map((a) => [a.code, a]));
  return code === null ? undefined : areaIndex.get(code);
}

export function districtOf(communeCode: string): PublicArea | undefined {
  return areaByCode(areaByCode(communeCode)?.parent_code ?? null);
}

// The download list: top-level files one by one, each folder (journal, houses, ledger pages) as one row.
export function fileGroups(checkpoint: Checkpoint): { path: string; count: number; bytes: number }[] {
  const groups = new Map<string, { path: string; count: number; bytes: number }>([[FILES.checkpoint, { path: FILES.checkpoint, count: 1, bytes: 0 }]]);
  for (const file of checkpoint.files) {
    const path = file.path.includes('/') ? `${file.path.split('/')[0]}/` : file.path;
    const group = groups.get(path) ?? { path, count: 0, bytes: 0 };
    group.count++;
    group.bytes += file.bytes;
    groups.set(path, group);
  }
  return [...groups.values()];
}
