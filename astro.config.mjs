// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';

export default defineConfig({
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [react()],
  server: { host: '127.0.0.1', port: 4321 },
  i18n: { defaultLocale: 'vi', locales: ['vi', 'en'], routing: { prefixDefaultLocale: false } },
  vite: {
    // PGlite loads its WebAssembly and data files next to its own module: keep it out of the bundle.
    ssr: { external: ['@electric-sql/pglite', 'postgres', 'sharp', '@node-rs/argon2'] },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  },
});
