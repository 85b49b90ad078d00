// Runs a TypeScript script as an esbuild bundle in this process, bundling again only when one of its sources
// changed since the last bundle: the verifiers are timed with their start, and bundling on every run cost
// about 0.3 s of a 10 s budget. Usage: node scripts/run-bundled.mjs <name under scripts/> [arguments].
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [name, ...args] = process.argv.slice(2);
if (!name || !existsSync(`scripts/${name}.ts`)) {
  console.error(`No script scripts/${name ?? '<name>'}.ts to run (run from the project folder).`);
  process.exit(2);
}
const bundle = `.build/${name}.mjs`;
const sources = `.build/${name}.sources.json`;

// A bundle is current when it exists and none of the files it was built from is newer (or gone).
function current() {
  if (!existsSync(bundle) || !existsSync(sources)) return false;
  const builtMs = statSync(bundle).mtimeMs;
  return JSON.parse(readFileSync(sources, 'utf8')).every((file) => existsSync(file) && statSync(file).mtimeMs <= builtMs);
}

if (!current()) {
  const { build } = await import('esbuild');
  const { metafile } = await build({
    entryPoints: [`scripts/${name}.ts`], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, metafile: true, logLevel: 'warning',
  });
  writeFileSync(sources, JSON.stringify(Object.keys(metafile.inputs)));
}
// The script reads its own arguments from process.argv, as if started directly.
process.argv = [process.argv[0], bundle, ...args];
await import(pathToFileURL(bundle).href);
