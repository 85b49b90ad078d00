// Serves the built site's files: the pre-compressed variant the client accepts, cache lifetimes by kind
// (hashed assets for a year, everything else briefly with validators), 304 on a match, HEAD like GET.
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ndjson': 'application/x-ndjson; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Text formats worth compressing at build; the server looks for `<file>.br` and `<file>.gz` beside them. */
export const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.json', '.ndjson', '.csv', '.txt', '.xml', '.svg', '.webmanifest']);

export const IMMUTABLE = 'public, max-age=31536000, immutable';
// Pages change at each publish: caches keep them briefly, then revalidate with ETag / Last-Modified.
export const SHORT = 'public, max-age=300, must-revalidate';

// Maps a URL path to a file under the client folder; null for anything that climbs out or hides (dot files).
export function staticCandidate(clientDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.') && part !== '.well-known')) return null;
  const path = normalize(join(clientDir, decoded));
  if (path !== clientDir && !path.startsWith(clientDir + sep)) return null;
  return decoded.endsWith('/') ? join(path, 'index.html') : path;
}

// The encodings the client accepts that we keep files for, best first (q=0 refuses one).
export function acceptedEncodings(header: string | undefined): ('br' | 'gzip')[] {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return (['br', 'gzip'] as const).filter(ok);
}

// Weak validator from size and modification time; the encoding is part of it because the bytes differ.
export function etagOf(info: Stats, encoding: string | null): string {
  return `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
}

// True when the client's copy is current: If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
// `header` reads a request header by its lower-case name (a Node request's or a fetch Request's).
export function notModified(header: (name: 'if-none-match' | 'if-modified-since') => string | null | undefined, etag: string, modified: Date): boolean {
  const match = header('if-none-match');
  if (match) return match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = Date.parse(header('if-modified-since') ?? '');
  return Number.isFinite(since) && Math.floor(modified.getTime() / 1000) <= Math.floor(since / 1000);
}

async function fileInfo(path: string): Promise<Stats | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info : null;
  } catch {
    return null;
  }
}

// Answers a GET or HEAD from the client folder; false when there is no such file (the app answers then).
export async function serveStatic(req: IncomingMessage, res: ServerResponse, clientDir: string, urlPath: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let path = staticCandidate(clientDir, urlPath);
  if (path === null) return false;
  let info = await fileInfo(path);
  if (info === null && !urlPath.endsWith('/')) {
    // A folder asked for without its slash gets its index page, as Astro's own server does.
    path = join(path, 'index.html');
    info = await fileInfo(path);
  }
  if (info === null) return false;
  const ext = extname(path).toLowerCase();
  let encoding: 'br' | 'gzip' | null = null;
  let body = path;
  let bodyInfo = info;
  if (COMPRESSIBLE.has(ext)) {
    res.setHeader('Vary', 'Accept-Encoding');
    for (const candidate of acceptedEncodings(req.headers['accept-encoding'] as string | undefined)) {
      const variant = await fileInfo(`${path}.${candidate === 'br' ? 'br' : 'gz'}`);
      if (variant) {
        encoding = candidate;
        body = `${path}.${candidate === 'br' ? 'br' : 'gz'}`;
        bodyInfo = variant;
        break;
      }
    }
  }
  const etag = etagOf(bodyInfo, encoding);
  res.setHeader('Content-Type', TYPES[ext] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', urlPath.startsWith('/_astro/') ? IMMUTABLE : SHORT);
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', info.mtime.toUTCString());
  if (encoding) res.setHeader('Content-Encoding', encoding);
  if (notModified((name) => req.headers[name], etag, info.mtime)) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  res.setHeader('Content-Length', bodyInfo.size);
  res.statusCode = 200;
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(body);
    stream.on('error', () => { res.destroy(); done(); });
    stream.on('end', done);
    stream.pipe(res);
  });
  return true;
}
