// Requests under /staff go through the staff workspace's gate; everything else passes untouched.
import { defineMiddleware } from 'astro:middleware';
import { staffGuard } from './staff/guard';

export const onRequest = defineMiddleware((context, next) =>
  context.url.pathname === '/staff' || context.url.pathname.startsWith('/staff/') ? staffGuard(context, next) : next());
