// The security headers every response carries, in one place: the middleware sets them on every
// on-demand (server-rendered) response, and the production server imports the same values for static
// files. Pure: no I/O.
import { createHash } from 'node:crypto';
import islandRuntime from 'astro/runtime/server/astro-island.prebuilt.js';
import idleDirective from 'astro/runtime/client/idle.prebuilt.js';
import visibleDirective from 'astro/runtime/client/visible.prebuilt.js';

// Astro writes its island loader and each client directive inline into a page with an island; they are
// allowed by their SHA-256 (computed from the installed Astro, so an upgrade keeps them in step), and no
// other inline script is.
const islandScriptHashes = [islandRuntime, idleDirective, visibleDirective]
  .map((text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`).join(' ');

// Scripts, styles and images only from this site; no framing, no plugins, forms post only here.
// 'unsafe-inline' styles: Astro writes small scoped <style> blocks into pages; scripts stay 'self' and the island loader.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  `script-src 'self' ${islandScriptHashes}`,
  "object-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'self' https://checkout.stripe.com",
  "base-uri 'none'",
].join('; ');

/** Headers for every response, static or rendered, public or staff. */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
});

/** Staff pages also must never be stored by a browser or a proxy cache. */
export const staffHeaders: Readonly<Record<string, string>> = Object.freeze({ ...securityHeaders, 'Cache-Control': 'no-store' });

// Sets the headers on a response, overriding what a page set, so no page can weaken them.
export function applySecurityHeaders(headers: Headers, values: Readonly<Record<string, string>> = securityHeaders): void {
  for (const [name, value] of Object.entries(values)) headers.set(name, value);
}
