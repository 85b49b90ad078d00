// @ts-check
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';
import { fileURLToPath } from 'node:url';
import { placeDataset, precompressFolder } from './src/server/precompress.ts';

// Host names the server answers as: Astro builds each request's URL from a Host header only when it
// matches, and refuses a form POST whose Origin differs. Add the public domain with ALLOWED_HOSTS at build.
const allowedHosts = ['localhost', '127.0.0.1', ...(process.env.ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean)];

// The open dataset the pages were built from is served beside them for download, at /du-lieu/; the
// previous one (ANCU_PREVIOUS_DATASET_DIR) lends the compressed copies of the files it shares with it.
const datasetDir = resolve(process.env.ANCU_DATASET_DIR ?? 'public-data');
const previousDataset = process.env.ANCU_PREVIOUS_DATASET_DIR ? resolve(process.env.ANCU_PREVIOUS_DATASET_DIR) : null;
const serveDataset = {
  name: 'ancu-open-dataset',
  hooks: {
    /** @param {{ dir: URL }} options */
    'astro:build:done': async ({ dir }) => {
      if (!existsSync(datasetDir)) throw new Error(`No open dataset at ${datasetDir}: run "npm run publish" first.`);
      // Brotli and gzip copies of pages, assets and the dataset, served as they are by the production server.
      await precompressFolder(fileURLToPath(dir), (name) => name !== 'du-lieu');
      await placeDataset(datasetDir, fileURLToPath(new URL('du-lieu/', dir)), previousDataset);
    },
  },
};

export default defineConfig({
  // The public address, for canonical and hreflang links (set PUBLIC_SITE_URL when building for a real domain).
  site: process.env.PUBLIC_SITE_URL ?? 'http://127.0.0.1:4321',
  output: 'static',
  // Pages render to one string, not a stream of small chunks: they are small, and kept whole (src/publish/page-cache.ts).
  adapter: node({ mode: 'standalone', experimentalDisableStreaming: true }),
  integrations: [react(), serveDataset],
  server: { host: '127.0.0.1', port: 4321 },
  // checkOrigin is done in src/origin.ts (the same rule, plus the one-click unsubscribe exception).
  security: { allowedDomains: allowedHosts.map((hostname) => ({ hostname })), checkOrigin: false },
  i18n: { defaultLocale: 'vi', locales: ['vi', 'en'], routing: { prefixDefaultLocale: false } },
  vite: {
    // Every script is a file of its own: the Content-Security-Policy allows scripts from 'self' only.
    build: { assetsInlineLimit: 0 },
    // PGlite loads its WebAssembly and data files next to its own module (pdfkit its font data): keep them out of the bundle.
    ssr: { external: ['@electric-sql/pglite', 'postgres', 'sharp', '@node-rs/argon2', 'pdfkit'] },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  },
});
