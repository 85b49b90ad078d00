// The static build's only source: the published dataset folder (never the database).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
};
