// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';

export default defineConfig({
  output: 'static',
  adapter: node({ mode: 'standalone' }),
  integrations: [react()],
  server: { host: '127.0.0.1', port: 4321 },
  // The node server trusts the Host header only for these names; without them every request looks like
  // http://localhost and the origin check refuses same-site form POSTs. SITE_HOSTNAMES adds the public ones.
  security: {
    allowedDomains: ['127.0.0.1', 'localhost', ...(process.env.SITE_HOSTNAMES ?? '').split(',').map((h) => h.trim()).filter(Boolean)]
      .map((hostname) => ({ hostname })),
  },
  i18n: { defaultLocale: 'vi', locales: ['vi', 'en'], routing: { prefixDefaultLocale: false } },
  vite: {
    // PGlite loads its WebAssembly and data files next to its own module: keep it out of the bundle.
    ssr: { external: ['@electric-sql/pglite', 'postgres'] },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  },
});
