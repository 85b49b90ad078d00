// Stage photos: checked by content, limited in bytes and pixels before decoding, re-encoded as JPEG
// with every piece of metadata dropped (a phone's GPS tag would reveal where the family lives),
// and stored under a random name in a folder outside the code.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { desc, eq, or } from 'drizzle-orm';
import { schema, type Db } from '../../db/client';
import { DomainError } from '../domain/errors';

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

// Photos already stored with the same file or the same picture, with their house, newest first.
export async function samePhotos(db: Db, hashes: { sourceSha256: string; pixelHash: string }): Promise<SamePhoto[]> {
  const rows = await db.select({ houseId: schema.photos.houseId, publicCode: schema.houses.publicCode, stage: schema.photos.stage, createdAt: schema.photos.createdAt, createdBy: schema.photos.createdBy })
    .from(schema.photos).innerJoin(schema.houses, eq(schema.houses.id, schema.photos.houseId))
    .where(or(eq(schema.photos.sourceSha256, hashes.sourceSha256), eq(schema.photos.pixelHash, hashes.pixelHash)))
    .orderBy(desc(schema.photos.id)).limit(10);
  return rows;
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
    const [row] = await db.insert(schema.photos).values({
      houseId: input.houseId, stage: input.stage, storedName, width: input.photo.width, height: input.photo.height,
      bytes: input.photo.data.length, createdBy: input.createdBy, sourceSha256: input.sourceSha256 ?? null, pixelHash: input.pixelHash ?? null,
    }).returning();
    return row!;
  } catch (error) {
    await unlink(path).catch(() => {});
    throw error;
  }
}
