// The production server's handler over a small site folder: pre-compressed variants chosen by
// Accept-Encoding, cache lifetimes by kind, validators and 304, HEAD, security headers on every response,
// /healthz, and a graceful stop that lets a slow request finish.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressFolder } from '../../src/server/precompress';
import { everyResponseHeaders, gracefulServer, productionHandler, type GracefulServer } from '../../src/server/http';
import { acceptedEncodings, staticCandidate } from '../../src/server/static';

// undici's fetch decompresses and hides Content-Encoding: a raw request shows what was sent.
function raw(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('production server', () => {
  let root: string;
  let base: string;
  let graceful: GracefulServer;
  let databaseUp = true;
  const page = `<!doctype html><title>Trang chủ</title>${'<p>Quỹ Vì người nghèo — minh bạch từng đồng.</p>'.repeat(200)}`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ancu-prod-'));
    mkdirSync(join(root, '_astro'));
    mkdirSync(join(root, 'nha', 'BK-00001'), { recursive: true });
    writeFileSync(join(root, 'index.html'), page);
    writeFileSync(join(root, 'nha', 'BK-00001', 'index.html'), page.replace('Trang chủ', 'Nhà'));
    writeFileSync(join(root, '_astro', 'app.Ab12Cd.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
    writeFileSync(join(root, '.secret'), 'hidden');
    writeFileSync(join(root, 'tiny.txt'), 'hi');
    await precompressFolder(root);
    graceful = gracefulServer(productionHandler({
      clientDir: root,
      app: async (req, res) => {
        if (req.url === '/slow') await new Promise((r) => setTimeout(r, 500));
        res.writeHead(req.url === '/slow' ? 200 : 404, { 'Content-Type': 'text/plain' });
        res.end(req.url === '/slow' ? 'done' : 'not found');
      },
      databaseAnswers: async () => databaseUp,
    }));
    await new Promise<void>((r) => graceful.server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(graceful.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await graceful.stop(100);
    rmSync(root, { recursive: true, force: true });
  });

  it('sends the Brotli or gzip copy the client accepts, with Vary, and the plain file otherwise', async () => {
    const br = await raw(base, '/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(brotliDecompressSync(br.body).toString()).toBe(page);
    expect(br.body.length).toBeLessThan(page.length / 5);
    const gz = await raw(base, '/nha/BK-00001/', { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain('<title>Nhà</title>');
    const plain = await raw(base, '/nha/BK-00001');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toContain('<title>Nhà</title>');
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);
  });

  it('keeps hashed assets a year and pages briefly, and answers 304 to a current validator', async () => {
    const asset = await raw(base, '/_astro/app.Ab12Cd.js', { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const home = await raw(base, '/', { 'accept-encoding': 'br' });
    expect(home.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    const etag = String(home.headers.etag);
    expect(etag).toMatch(/-br"$/);
    expect((await raw(base, '/', { 'accept-encoding': 'br', 'if-none-match': etag })).status).toBe(304);
    // Another encoding is other bytes: the Brotli tag does not validate the gzip copy.
    expect((await raw(base, '/', { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200);
    expect((await raw(base, '/', { 'if-modified-since': String(home.headers['last-modified']) })).status).toBe(304);
    expect((await raw(base, '/', { 'if-modified-since': new Date(Date.parse(String(home.headers['last-modified'])) - 60_000).toUTCString() })).status).toBe(200);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await raw(base, '/', { 'accept-encoding': 'br' });
    const head = await raw(base, '/', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it('puts the security headers on every response: files, 304s, the app, 404s and /healthz', async () => {
    const home = await raw(base, '/');
    for (const response of [home, await raw(base, '/', { 'if-none-match': String(home.headers.etag) }), await raw(base, '/nothing'), await raw(base, '/healthz'), await raw(base, '/_astro/app.Ab12Cd.js')]) {
      for (const [name, value] of everyResponseHeaders) expect(response.headers[name.toLowerCase()]).toBe(value);
    }
    expect(everyResponseHeaders.map(([name]) => name)).toContain('Content-Security-Policy');
  });

  it('never serves dot files or paths that climb out of the site', async () => {
    expect((await raw(base, '/.secret')).status).toBe(404);
    expect((await raw(base, '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect(staticCandidate('/srv/site', '/../etc/passwd')).toBeNull();
    expect(staticCandidate('/srv/site', '/%E0%A4%A')).toBeNull();
  });

  it('reads Accept-Encoding with q-values', () => {
    expect(acceptedEncodings('gzip, br')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('br;q=0, gzip;q=0.5')).toEqual(['gzip']);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings(undefined)).toEqual([]);
  });

  it('says on /healthz whether the database answers', async () => {
    const up = await raw(base, '/healthz');
    expect(up.status).toBe(200);
    expect(JSON.parse(up.body.toString())).toEqual({ status: 'ok', database: 'ok' });
    databaseUp = false;
    const down = await raw(base, '/healthz');
    databaseUp = true;
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body.toString())).toEqual({ status: 'error', database: 'unreachable' });
    expect(down.headers['cache-control']).toBe('no-store');
  });

  it('finishes a request in flight on stop and refuses new connections', async () => {
    const own = gracefulServer(productionHandler({ clientDir: root, app: async (_req, res) => { await new Promise((r) => setTimeout(r, 400)); res.end('finished'); }, databaseAnswers: async () => true }));
    await new Promise<void>((r) => own.server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(own.server.address() as AddressInfo).port}`;
    const inFlight = raw(url, '/slow');
    await new Promise((r) => setTimeout(r, 100));
    const stopped = own.stop(5000);
    expect((await inFlight).body.toString()).toBe('finished');
    await stopped;
    await expect(raw(url, '/')).rejects.toThrow();
  });
});
