// Stage photos for the public house records: the cleaned JPEGs the staff uploaded, by public path.
import { asc, inArray, type SQL } from 'drizzle-orm';
import { schema, type Db, type Tx } from '../../db/client';
import type { Stage } from '../domain/schemas';
import type { HouseStage, PublicPhoto } from './format';

const { photos } = schema;

import { photoPath } from './records';

export type StagePhotos = Map<number, Map<string, PublicPhoto[]>>;

// One query per batch of houses (an id range or a list), oldest upload first, so a stage's photos keep their order between publishes.
export async function photosWhere(db: Db | Tx, where: SQL | undefined): Promise<StagePhotos> {
  const rows = await db.select({ houseId: photos.houseId, stage: photos.stage, storedName: photos.storedName, width: photos.width, height: photos.height })
    .from(photos).where(where).orderBy(asc(photos.houseId), asc(photos.id));
  const byHouse: StagePhotos = new Map();
  for (const row of rows) {
    const stagesOfHouse = byHouse.get(row.houseId) ?? new Map<string, PublicPhoto[]>();
    byHouse.set(row.houseId, stagesOfHouse);
    const list = stagesOfHouse.get(row.stage) ?? [];
    stagesOfHouse.set(row.stage, list);
    list.push({ src: photoPath(row.storedName), width: row.width, height: row.height });
  }
  return byHouse;
}

// The live lookup names its houses.
export const photosOfHouses = (db: Db, houseIds: number[]) =>
  houseIds.length === 0 ? Promise.resolve<StagePhotos>(new Map()) : photosWhere(db, inArray(photos.houseId, houseIds));

// A house's stages with their dates and photos, the same shape in the dataset and the live lookup.
export function stagesWithPhotos(order: readonly Stage[], dateOf: (stage: Stage) => string | null, mine: Map<string, PublicPhoto[]> | undefined): HouseStage[] {
  return order.map((stage) => ({ stage, on: dateOf(stage), photos: mine?.get(stage) ?? [] }));
}

// Thumbnails keep each photo's shape, so the page does not jump while they load.
export const THUMB_WIDTH = 160;
export const thumbHeight = (photo: Pick<PublicPhoto, 'width' | 'height'>) => Math.max(1, Math.round((THUMB_WIDTH * photo.height) / photo.width));
