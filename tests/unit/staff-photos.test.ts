// Photo uploads are checked by content, limited before decoding, and re-encoded without metadata.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanPhoto, PHOTO_MAX_BYTES, sniffImage } from '../../src/staff/photos';
import { refusal } from '../refusal';

// CRC-32 as PNG chunks need it.
function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A small, valid PNG file whose header claims width × height pixels (a "decompression bomb" header).
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1024))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Whether a TIFF/EXIF block has a GPS directory (tag 0x8825 in IFD0).
function hasGps(exif: Buffer): boolean {
  const tiff = exif.indexOf('MM\0*') >= 0 ? exif.indexOf('MM\0*') : exif.indexOf('II*\0');
  if (tiff < 0) return false;
  const big = exif[tiff] === 0x4d;
  const u16 = (o: number) => (big ? exif.readUInt16BE(tiff + o) : exif.readUInt16LE(tiff + o));
  const u32 = (o: number) => (big ? exif.readUInt32BE(tiff + o) : exif.readUInt32LE(tiff + o));
  const ifd = u32(4);
  for (let i = 0; i < u16(ifd); i++) if (u16(ifd + 2 + i * 12) === 0x8825) return true;
  return false;
}

// A phone-like photo: a JPEG with the camera's make and a GPS position in its EXIF.
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: '#b04a2a' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCo', Model: 'X1', Copyright: 'Nguyen Van A' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 8/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '105/1 50/1 10/1' } })
    .toBuffer();
}

describe('photo upload checks', () => {
  it('refuses a PHP script named .jpg: the bytes decide, not the name', async () => {
    const php = Buffer.from('<?php system($_GET["c"]); ?>\n');
    expect(sniffImage(php)).toBeNull();
    expect(await refusal(() => cleanPhoto(php))).toMatchObject({ status: 415, code: 'not_an_image' });
  });

  it('refuses a file with a JPEG signature that does not decode', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<?php echo 1; ?>'.repeat(20))]);
    expect(sniffImage(fake)).toBe('jpeg');
    expect(await refusal(() => cleanPhoto(fake))).toMatchObject({ status: 415, code: 'not_an_image' });
  });

  it('refuses a PNG whose header claims 100000 × 100000 pixels, without decoding it', async () => {
    const bomb = pngClaiming(100_000, 100_000);
    expect(bomb.length).toBeLessThan(2000);
    const started = performance.now();
    const error = await refusal(() => cleanPhoto(bomb));
    expect(error).toMatchObject({ status: 413, code: 'too_many_pixels' });
    expect(error.messageEn).toMatch(/100000×100000/);
    // Decoding ten gigapixels would take minutes and gigabytes; refusing from the header is instant.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a file over the size limit before looking inside', async () => {
    const big = Buffer.concat([await phonePhoto(), Buffer.alloc(PHOTO_MAX_BYTES)]);
    expect(await refusal(() => cleanPhoto(big))).toMatchObject({ status: 413, code: 'photo_too_large' });
  });

  it('re-encodes an accepted photo with no EXIF, GPS, XMP or ICC left', async () => {
    const original = await phonePhoto();
    const before = await sharp(original).metadata();
    expect(before.exif && hasGps(before.exif)).toBe(true);
    expect(original.includes('PhoneCo')).toBe(true);
    const cleaned = await cleanPhoto(original);
    const after = await sharp(cleaned.data).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(cleaned.data.includes('PhoneCo')).toBe(false);
    expect(cleaned.data.includes('Nguyen Van A')).toBe(false);
    expect(cleaned.data.includes('Exif')).toBe(false);
  });

  it('accepts PNG and WebP too, and shrinks a large photo to the long-edge limit', async () => {
    const png = await sharp({ create: { width: 3000, height: 1000, channels: 4, background: '#2a6' } }).png().toBuffer();
    const webp = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#26a' } }).webp().toBuffer();
    expect(await cleanPhoto(png)).toMatchObject({ width: 2048, height: 683 });
    expect(await cleanPhoto(webp)).toMatchObject({ width: 300, height: 200 });
  });
});
