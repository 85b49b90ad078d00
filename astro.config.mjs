// @ts-check
import { cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';

// The open dataset the pages were built from is served beside them for download, at /du-lieu/.
const datasetDir = resolve(process.env.ANCU_DATASET_DIR ?? 'public-data');
const serveDataset = {
  name: 'ancu-open-dataset',
  hooks: {
    /** @param {{ dir: URL }} options */
    'astro:build:done': async ({ dir }) => {
      if (!existsSync(datasetDir)) throw new Error(`No open dataset at ${datasetDir}: run "npm run publish" first.`);
      await cp(datasetDir, new URL('du-lieu/', dir), { recursive: true });
    },
  },
};

export default defineConfig({
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [react(), serveDataset],
  server: { host: '127.0.0.1', port: 4321 },
  i18n: { defaultLocale: 'vi', locales: ['vi', 'en'], routing: { prefixDefaultLocale: false } },
  vite: {
    // PGlite loads its WebAssembly and data files next to its own module: keep it out of the bundle.
    ssr: { external: ['@electric-sql/pglite', 'postgres'] },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  },
});
