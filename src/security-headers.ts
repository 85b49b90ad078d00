// The security headers every response carries, in one place: the middleware sets them on every
// on-demand (server-rendered) response, and the production server imports the same values for static
// files. Pure: no I/O, no Astro.

// Scripts, styles and images only from this site; no framing, no plugins, forms post only here.
// 'unsafe-inline' styles: Astro writes small scoped <style> blocks into pages; scripts stay 'self' only.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
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
