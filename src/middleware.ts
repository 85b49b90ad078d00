// Every on-demand request passes here: it gets a request id and its client address, cross-site form
// posts are refused (src/origin.ts), staff routes go through the staff gate (chosen by the route Astro
// matched, never by the path text), a page rendered from the dataset is kept until the next publish
// (src/publish/page-cache.ts), and every response leaves with the security headers. The first live
// request starts the mail worker in this server process.
import { randomBytes } from 'node:crypto';
import { defineMiddleware } from 'astro:middleware';
import { clientAddressOf, stampPeerAddresses } from './client-address';
import { logEvent } from './log';
import { ensureMailWorker } from './mail/worker';
import { crossSiteFormRefused } from './origin';
import { keptOrRendered } from './publish/page-cache';
import { applySecurityHeaders, securityHeaders, staffHeaders } from './security-headers';
import { refusalPage, staffGuard } from './staff/guard';
import { looksLikeStaffPath, staffRouteByPattern } from './staff/permissions';

stampPeerAddresses();

// A response whose headers cannot be changed (a fetched or redirect Response) is copied first.
function withHeaders(response: Response, values: Readonly<Record<string, string>>): Response {
  try {
    applySecurityHeaders(response.headers, values);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    applySecurityHeaders(copy.headers, values);
    return copy;
  }
}

export const onRequest = defineMiddleware(async (context, next) => {
  const requestId = randomBytes(8).toString('hex');
  context.locals.requestId = requestId;
  context.locals.ip = clientAddressOf(context.request, () => context.clientAddress);
  const staffRoute = staffRouteByPattern(context.routePattern);
  const staff = staffRoute !== undefined || context.routePattern === '/staff' || context.routePattern.startsWith('/staff/') || looksLikeStaffPath(context.url.pathname);
  let response: Response;
  if (!context.isPrerendered) ensureMailWorker();
  try {
    response = !context.isPrerendered && crossSiteFormRefused(context.request, context.url)
      ? new Response(`Cross-site ${context.request.method} form submissions are forbidden`, { status: 403 })
      : staff ? await staffGuard(context, next, staffRoute)
        : context.isPrerendered ? await next() : await keptOrRendered(context.url, context.request, next);
  } catch (error) {
    // Whatever failed, the log line names the request, never its values.
    logEvent('error', 'request_failed', { requestId, route: context.routePattern, method: context.request.method, error: error instanceof Error ? error.name : 'unknown' });
    response = staff
      ? refusalPage(500, 'Máy chủ gặp lỗi; vui lòng thử lại sau.', 'Something went wrong on the server; try again later.')
      : new Response('Máy chủ gặp lỗi; vui lòng thử lại sau.\nSomething went wrong on the server; try again later.\n', { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
  if (response.status >= 500) logEvent('error', 'request_5xx', { requestId, route: context.routePattern, method: context.request.method, status: response.status });
  return withHeaders(response, staff ? staffHeaders : securityHeaders);
});
