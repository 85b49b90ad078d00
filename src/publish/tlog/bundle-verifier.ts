// Bundles the standalone verifier (src/publish/verify-main.ts and everything it imports: the same Merkle,
// note and dataset checks the site runs) into one dependency-free file for Node 18+, with esbuild.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { DatasetFile } from '../format';

export const VERIFIER_FILE = 'verify.mjs';

export async function bundleVerifier(root: string, projectDir = process.cwd()): Promise<DatasetFile> {
  const outfile = join(root, VERIFIER_FILE);
  await build({
    entryPoints: [join(projectDir, 'src/publish/verify-main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    outfile,
    legalComments: 'none',
    logLevel: 'silent',
    banner: { js: '#!/usr/bin/env node\n// An Cư open-data verifier, built from the site\'s own checks. Usage: node verify.mjs <URL or folder> (--help for more).' },
  });
  const bytes = await readFile(outfile);
  return { path: VERIFIER_FILE, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
