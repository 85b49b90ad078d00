// A dataset placed into a site takes the compressed copies of the files a publish hard-linked to the
// previous dataset, and compresses only the files it changed: a build after one gift does not
// recompress the campaign. Open-data files get a fast Brotli level, pages the best.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, constants } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { brotliQuality, placeDataset } from '../../src/server/precompress';

const root = mkdtempSync(join(tmpdir(), 'ancu-precompress-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (label: string) => JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ label, i })));

describe('placing a dataset with its compressed copies', () => {
  it('reuses the copies of unchanged (hard-linked) files and compresses the changed ones', async () => {
    const previous = join(root, 'served');
    mkdirSync(join(previous, 'houses'), { recursive: true });
    writeFileSync(join(previous, 'houses', 'A.json'), text('a'));
    writeFileSync(join(previous, 'houses', 'B.json'), text('b'));
    await placeDataset(previous, previous);
    // The next publish: A unchanged (a hard link, as the publish makes it), B rewritten, C new.
    const published = join(root, 'published');
    mkdirSync(join(published, 'houses'), { recursive: true });
    linkSync(join(previous, 'houses', 'A.json'), join(published, 'houses', 'A.json'));
    writeFileSync(join(published, 'houses', 'B.json'), text('b2'));
    writeFileSync(join(published, 'houses', 'C.json'), text('c'));
    writeFileSync(join(published, 'tiny.json'), '{}');
    writeFileSync(join(published, 'noise.json'), randomBytes(4096));
    const target = join(root, 'site', 'du-lieu');
    const report = await placeDataset(published, target, previous);
    expect(report.files).toBe(3);
    expect(statSync(join(target, 'houses', 'A.json.br')).ino).toBe(statSync(join(previous, 'houses', 'A.json.br')).ino);
    expect(statSync(join(target, 'houses', 'A.json.gz')).ino).toBe(statSync(join(previous, 'houses', 'A.json.gz')).ino);
    for (const name of ['A', 'B', 'C']) {
      expect(statSync(join(target, 'houses', `${name}.json`)).ino).toBe(statSync(join(published, 'houses', `${name}.json`)).ino);
      expect(brotliDecompressSync(readFileSync(join(target, 'houses', `${name}.json.br`))).toString()).toBe(readFileSync(join(published, 'houses', `${name}.json`), 'utf8'));
    }
    // Kept only when smaller: a file that does not compress keeps no copy (streamed, so a partial copy would show here).
    expect(statSync(join(target, 'noise.json')).size).toBe(4096);
    expect(() => statSync(join(target, 'noise.json.br'))).toThrow();
    expect(() => statSync(join(target, 'noise.json.gz'))).toThrow();
    expect(readFileSync(join(target, 'tiny.json'), 'utf8')).toBe('{}');
    expect(() => statSync(join(target, 'tiny.json.br'))).toThrow();
  });

  it('gives small pages the best Brotli level and open data and big files a fast one', () => {
    expect(brotliQuality(10_000, 'page')).toBe(constants.BROTLI_MAX_QUALITY);
    expect(brotliQuality(10_000, 'data')).toBe(5);
    expect(brotliQuality(300 * 1024, 'page')).toBe(5);
  });
});
