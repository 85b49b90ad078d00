// Stage photos: checked by content, limited in bytes and pixels before decoding, re-encoded as JPEG
// with every piece of metadata dropped (a phone's GPS tag would reveal where the family lives),
// and stored under a random name in a folder outside the code.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { eq, sql } from 'drizzle-orm';
import { queryRows, schema, type Db } from '../../db/client';
import { DomainError } from '../domain/errors';
import { stageNames } from '../domain/houses';
import { commitRecords } from '../domain/public-records';
import { describeEntry } from '../ledger/descriptions';
import { subjectRecord } from '../ledger/public-record';

export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;
export const PHOTO_MAX_PIXELS = 40_000_000;
// Long edge after re-encoding: plenty for a record, light on a cheap phone's data plan.
export const PHOTO_MAX_EDGE = 2048;
export const PHOTO_NAME = /^[0-9a-f]{32}\.jpg$/;

export type ImageKind = 'jpeg' | 'png' | 'webp';

// The file's own first bytes decide what it is; its name and declared type are not trusted.
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'webp';
  return null;
}

const notAnImage = () => new DomainError(415, 'not_an_image', 'Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ.', 'The file is not a valid JPEG, PNG or WebP image.');

export interface CleanPhoto {
  data: Buffer;
  width: number;
  height: number;
}

// Refuses by size, then by type, then by the pixel count in the header, and only then decodes.
export async function cleanPhoto(bytes: Buffer): Promise<CleanPhoto> {
  if (bytes.length > PHOTO_MAX_BYTES) {
    throw new DomainError(413, 'photo_too_large', `Ảnh lớn hơn ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`, `The photo is larger than ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`);
  }
  const kind = sniffImage(bytes);
  if (!kind) throw notAnImage();
  const options = { limitInputPixels: PHOTO_MAX_PIXELS, failOn: 'error' as const };
  let header: sharp.Metadata;
  try {
    header = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage();
  }
  if (header.format !== kind || !header.width || !header.height) throw notAnImage();
  if (header.width * header.height > PHOTO_MAX_PIXELS) {
    throw new DomainError(413, 'too_many_pixels', `Ảnh ${header.width}×${header.height} điểm ảnh vượt giới hạn ${PHOTO_MAX_PIXELS / 1e6} megapixel.`,
      `The image is ${header.width}×${header.height} pixels, over the ${PHOTO_MAX_PIXELS / 1e6} megapixel limit.`);
  }
  try {
    // No withMetadata(): sharp writes no EXIF, XMP, IPTC or ICC unless asked; rotate() applies the orientation first.
    const { data, info } = await sharp(bytes, options)
      .rotate()
      .resize({ width: PHOTO_MAX_EDGE, height: PHOTO_MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw notAnImage();
  }
}

export function photosDir(): string {
  return resolve(process.env.PHOTOS_DIR ?? 'data/photos');
}

export const photoHash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// A 64-bit difference hash of the picture (9×8 grey pixels, each compared with its right neighbour):
// the same photo re-saved, resized or sent through a chat app keeps it, where the file's SHA-256 changes.
export async function pixelHash(bytes: Buffer): Promise<string> {
  const grey = await sharp(bytes, { limitInputPixels: PHOTO_MAX_PIXELS }).rotate().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits = (bits << 1n) | (grey[y * 9 + x]! > grey[y * 9 + x + 1]! ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}

export interface SamePhoto { houseId: number; publicCode: string; stage: string; createdAt: Date; createdBy: string }

// Pictures whose difference hashes differ in at most this many of 64 bits are the same picture (a re-save
// flips one or two; different photos differ in twenty or more).
export const SAME_PICTURE_MAX_BITS = 6;

// A nearly flat picture (a blank wall, a dark frame) has too few edges for its hash to identify it.
function distinctive(hash: string): boolean {
  const ones = BigInt(`0x${hash}`).toString(2).replace(/0/g, '').length;
  return ones >= 4 && ones <= 60;
}

// Photos already stored with the same file or nearly the same pixel hash, with their house, newest first.
export async function samePhotos(db: Db, hashes: { sourceSha256: string; pixelHash: string }): Promise<SamePhoto[]> {
  const near = distinctive(hashes.pixelHash)
    ? sql`OR (p.pixel_hash IS NOT NULL AND bit_count(('x' || p.pixel_hash)::bit(64) # ${`x${hashes.pixelHash}`}::bit(64)) <= ${SAME_PICTURE_MAX_BITS})`
    : sql``;
  const rows = await queryRows<{ house_id: number; public_code: string; stage: string; created_at: Date | string; created_by: string }>(db, sql`
    SELECT p.house_id, h.public_code, p.stage, p.created_at, p.created_by FROM photos p JOIN houses h ON h.id = p.house_id
    WHERE p.source_sha256 = ${hashes.sourceSha256} ${near}
    ORDER BY p.id DESC LIMIT 10`);
  return rows.map((r) => ({ houseId: Number(r.house_id), publicCode: r.public_code, stage: r.stage, createdAt: new Date(r.created_at), createdBy: r.created_by }));
}

// Writes the cleaned photo under a random name (temporary file, then rename) and records it.
export async function storePhoto(db: Db, input: { houseId: number; stage: typeof schema.photos.$inferInsert['stage']; photo: CleanPhoto; createdBy: string; sourceSha256?: string; pixelHash?: string }) {
  const dir = photosDir();
  await mkdir(dir, { recursive: true });
  const storedName = `${randomBytes(16).toString('hex')}.jpg`;
  const path = join(dir, storedName);
  await writeFile(`${path}.part`, input.photo.data, { flag: 'wx' });
  await rename(`${path}.part`, path);
  try {
    // The photo row and its public record commit together: the published file is committed in the chain.
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(schema.photos).values({
        houseId: input.houseId, stage: input.stage, storedName, width: input.photo.width, height: input.photo.height, bytes: input.photo.data.length,
        sha256: photoHash(input.photo.data), createdBy: input.createdBy, sourceSha256: input.sourceSha256 ?? null, pixelHash: input.pixelHash ?? null,
      }).returning();
      const [house] = await tx.select({ code: schema.houses.publicCode }).from(schema.houses).where(eq(schema.houses.id, input.houseId));
      await commitRecords(tx, row!.createdAt, [{
        description: describeEntry.photo(house!.code, stageNames[input.stage][0]),
        record: subjectRecord('photo', row!.id, { file: storedName, height: row!.height, house_code: house!.code, sha256: row!.sha256, stage: input.stage, width: row!.width }),
      }]);
      return row!;
    });
  } catch (error) {
    await unlink(path).catch(() => {});
    throw error;
  }
}
