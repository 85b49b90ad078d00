// Refuses cross-site form posts, as Astro's security.checkOrigin does, with one exception: the
// one-click unsubscribe URL, which mail providers POST to from their own servers (RFC 8058) and
// which needs no session, only the random token it carries. Astro's check is turned off in
// astro.config.mjs so that this one rule applies instead.
const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
export const CROSS_SITE_POST_ALLOWED = ['/api/mail/unsubscribe'];

// True when the request must get a 403: an unsafe method, form-like or no content type, from another origin.
export function crossSiteFormRefused(request: Request, url: URL): boolean {
  if (SAFE_METHODS.includes(request.method)) return false;
  if (CROSS_SITE_POST_ALLOWED.includes(url.pathname.replace(/\/+$/, ''))) return false;
  if (request.headers.get('origin') === url.origin) return false;
  const type = request.headers.get('content-type');
  return type === null || FORM_CONTENT_TYPES.some((form) => type.toLowerCase().includes(form));
}
