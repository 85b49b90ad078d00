// The static build's only source: the published dataset folder (never the database).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOG_FILES, type HistoryLine } from './tlog/history';
import type { SixMonthReport } from '../staff/report';
import { FILES, type Checkpoint, type HouseDetail, type PublicArea, type PublicCampaign, type PublicContribution, type PublicHouse, type Summary } from './format';

// ANCU_DATASET_DIR moves it; by default public-data/ at the project root (git-ignored).
export function datasetDir(): string {
  return resolve(process.env.ANCU_DATASET_DIR ?? 'public-data');
}

const cache = new Map<string, unknown>();

// Reads one JSON file of the dataset once per build; a missing dataset says how to make it.
function readJson<T>(path: string): T {
  const full = join(datasetDir(), path);
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

export const dataset = {
  checkpoint: () => readJson<Checkpoint>(FILES.checkpoint),
  campaign: () => readJson<PublicCampaign>(FILES.campaign),
  summary: () => readJson<Summary>(FILES.summary),
  areas: () => readJson<PublicArea[]>(FILES.areas),
  houses: () => readJson<PublicHouse[]>(FILES.houses),
  house: (code: string) => readOnce<HouseDetail>(FILES.house(code)),
  ledgerPage: (page: number) => readOnce<PublicContribution[]>(FILES.ledgerPage(page)),
  /** The signed checkpoints of every publish, oldest first. */
  logHistory: (): HistoryLine[] => {
    const full = join(datasetDir(), LOG_FILES.history);
    return existsSync(full) ? readFileSync(full, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as HistoryLine) : [];
  },
  report: (period: string) => readOnce<SixMonthReport>(FILES.report(period)),
};

let areaIndex: Map<string, PublicArea> | undefined;

// Areas by code, and the district above a commune, for naming places on every page.
export function areaByCode(code: string | null): PublicArea | undefined {
  areaIndex ??= new Map(dataset.areas().map((a) => [a.code, a]));
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
