// The site swap on a real folder: client/ moves from build to build in one rename, earlier hashed
// assets come along, two builds are kept, and a folder without the link refuses to publish.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors';
import { activateBuild, assertSwappable, currentBuild, siteLayout } from '../../src/publish/site';

// A fake `astro build --outDir builds/<id>`: one page, one hashed asset, a server bundle.
function fakeBuild(root: string, id: string, page: string, asset: string): void {
  const dir = join(root, 'builds', id);
  mkdirSync(join(dir, 'client', '_astro'), { recursive: true });
  mkdirSync(join(dir, 'server'), { recursive: true });
  writeFileSync(join(dir, 'client', 'index.html'), page);
  writeFileSync(join(dir, 'client', '_astro', asset), asset);
  writeFileSync(join(dir, 'server', 'entry.mjs'), `// ${id}`);
}

describe('swapping the served site', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('starts with the server, swaps the client link, carries old assets, keeps two builds', async () => {
    root = mkdtempSync(join(tmpdir(), 'ancu-site-'));
    const layout = siteLayout(root);
    // A plain `astro build` left a real client folder: publishing refuses, npm start replaces it.
    mkdirSync(join(root, 'client'), { recursive: true });
    expect(() => assertSwappable(layout)).toThrow(DomainError);

    fakeBuild(root, '20250101-000000-1', 'one', 'a.css');
    await activateBuild(layout, '20250101-000000-1', { withServer: true });
    expect(readFileSync(join(root, 'server', 'entry.mjs'), 'utf8')).toBe('// 20250101-000000-1');
    expect(readFileSync(join(root, 'client', 'index.html'), 'utf8')).toBe('one');
    expect(readlinkSync(join(root, 'client'))).toBe(join('builds', '20250101-000000-1', 'client'));
    expect(() => assertSwappable(layout)).not.toThrow();

    fakeBuild(root, '20250102-000000-1', 'two', 'b.css');
    await activateBuild(layout, '20250102-000000-1');
    expect(currentBuild(layout)).toBe('20250102-000000-1');
    expect(readFileSync(join(root, 'client', 'index.html'), 'utf8')).toBe('two');
    // The running server still renders links to a.css: it must still be there.
    expect(readdirSync(join(root, 'client', '_astro')).sort()).toEqual(['a.css', 'b.css']);
    expect(readFileSync(join(root, 'server', 'entry.mjs'), 'utf8')).toBe('// 20250101-000000-1');
    expect(existsSync(join(root, 'builds', '20250102-000000-1', 'server'))).toBe(false);

    fakeBuild(root, '20250103-000000-1', 'three', 'c.css');
    await activateBuild(layout, '20250103-000000-1');
    expect(readdirSync(join(root, 'builds')).sort()).toEqual(['20250102-000000-1', '20250103-000000-1']);
    expect(readdirSync(join(root, 'client', '_astro')).sort()).toEqual(['a.css', 'b.css', 'c.css']);
    expect(readdirSync(root).sort()).toEqual(['builds', 'client', 'server']);
  });
});
