// Requests under /staff go through the staff workspace's gate; cross-site form posts are refused;
// the first live request starts the mail worker in this server process.
import { defineMiddleware } from 'astro:middleware';
import { staffGuard } from './staff/guard';
import { crossSiteFormRefused } from './origin';
import { ensureMailWorker } from './mail/worker';

export const onRequest = defineMiddleware((context, next) => {
  if (context.isPrerendered) return next();
  ensureMailWorker();
  if (crossSiteFormRefused(context.request, context.url)) {
    return new Response(`Cross-site ${context.request.method} form submissions are forbidden`, { status: 403 });
  }
  return context.url.pathname === '/staff' || context.url.pathname.startsWith('/staff/') ? staffGuard(context, next) : next();
});
