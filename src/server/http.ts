// The production HTTP server: security headers on every response, /healthz, pages kept from this publish,
// the built site's files (pre-compressed, cached, HEAD), everything else to Astro's handler; one JSON log line per request
// (method, kind, status, bytes, time: never the path or query, which can carry receipt codes or names);
// a graceful stop that finishes the requests in flight.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { logEvent } from '../log';
import { securityHeaders } from '../security-headers';
import { FIRST_ADMIN_PATH, firstAdminHandler, type FirstAdminToken } from './first-admin';
import { serveStatic } from './static';
import { keptAnswer } from '../publish/page-cache';
import type { Db } from '../../db/client';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ProductionOptions {
  /** The folder the site is served from (a link swapped at each publish: resolved per request). */
  clientDir: string;
  /** Astro's handler for the on-demand routes. */
  app: NodeHandler;
  /** Answers true when the database responds. */
  databaseAnswers(): Promise<boolean>;
  /** The database and the one-time token of the first-administrator link (null once there is none). */
  firstAdmin?: { db: Db; token(): FirstAdminToken | null };
}

// Headers every response carries (one definition, shared with the middleware); staff pages add no-store themselves.
export const everyResponseHeaders: [string, string][] = Object.entries(securityHeaders);

// Waits for a promise, or gives `fallback` after `ms`.
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([promise, new Promise<T>((done) => setTimeout(() => done(fallback), ms).unref())]);
}

// The request handler, framework-free so a test can drive it on any port.
export function productionHandler(options: ProductionOptions): NodeHandler {
  return async (req, res) => {
    const started = performance.now();
    let kind = 'app';
    res.on('finish', () => {
      logEvent(res.statusCode >= 500 ? 'error' : 'info', 'http.request', {
        method: req.method, kind, status: res.statusCode, bytes: Number(res.getHeader('content-length') ?? 0) || null,
        elapsed_ms: Math.round(performance.now() - started),
      });
    });
    for (const [name, value] of everyResponseHeaders) res.setHeader(name, value);
    const urlPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    try {
      if (urlPath === '/healthz') {
        kind = 'health';
        const ok = await within(options.databaseAnswers().catch(() => false), 2000, false);
        const body = JSON.stringify({ status: ok ? 'ok' : 'error', database: ok ? 'ok' : 'unreachable' });
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      if (urlPath === FIRST_ADMIN_PATH && options.firstAdmin) {
        kind = 'first_admin';
        await firstAdminHandler(req, res, options.firstAdmin.db, options.firstAdmin.token());
        return;
      }
      // A page rendered from this publish and kept (src/publish/page-cache.ts): its bytes or a 304, without Astro.
      const kept = req.method === 'GET' && !(req.url ?? '').includes('?') ? keptAnswer(urlPath, (name) => req.headers[name]) : null;
      if (kept) {
        kind = 'kept';
        const body = kept.body === null ? undefined : Buffer.from(kept.body);
        res.writeHead(kept.status, { ...Object.fromEntries(kept.headers), ...(body && { 'content-length': body.length }) });
        res.end(body);
        return;
      }
      kind = 'static';
      if (await serveStatic(req, res, options.clientDir, urlPath)) return;
      kind = 'app';
      await options.app(req, res);
    } catch (error) {
      logEvent('error', 'http.error', { kind, error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Lỗi máy chủ / Server error');
      } else {
        res.destroy();
      }
    }
  };
}

export interface GracefulServer {
  server: Server;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes the rest. */
  stop(graceMs?: number): Promise<void>;
}

// Tracks which connections are mid-request, so a stop closes idle keep-alive ones at once and waits for the others.
export function gracefulServer(handler: NodeHandler): GracefulServer {
  const busy = new Map<Socket, number>();
  let stopping = false;
  const server = createServer((req, res) => {
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    if (stopping) res.setHeader('Connection', 'close');
    res.on('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      if (stopping && left <= 0) socket.end();
    });
    void handler(req, res);
  });
  return {
    server,
    stop: async (graceMs = 10_000) => {
      stopping = true;
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
    },
  };
}
