// Pages rendered on request are kept until the next publish: a repeat is the same bytes without a render
// (for the middleware and for the production server ahead of Astro), a current copy is a 304 before any
// render, a new publish renders again, and only a dataset page's 200 (it carries the dataset's
// validators) without a query is kept.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES } from '../../src/publish/format';
import { notModifiedPage } from '../../src/publish/on-demand';
import { keptAnswer, keptOrRendered } from '../../src/publish/page-cache';
import { datasetVersion } from '../../src/publish/read';

describe('keptOrRendered', () => {
  let dir: string;
  let renders = 0;
  const before = process.env.ANCU_DATASET_DIR;
  // A page as the house and ledger pages answer: 304 for a current copy, else the body with the dataset's validators.
  const page = (request: Request, body: string, status = 200) => async () => {
    renders++;
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
    if (status !== 200) return new Response(body, { status, headers });
    return notModifiedPage(request, headers) ?? new Response(body, { status, headers });
  };
  const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://127.0.0.1${path}`, { headers });
  const answer = async (path: string, body: string, options: { headers?: Record<string, string>; status?: number } = {}) => {
    const request = get(path, options.headers);
    const response = await keptOrRendered(new URL(request.url), request, page(request, body, options.status));
    return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
  };
  const publish = (version: string) => writeFileSync(join(dir, FILES.checkpoint), JSON.stringify({ generated_at: version }));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ancu-page-cache-'));
    process.env.ANCU_DATASET_DIR = dir;
    publish('2025-01-01T00:00:00.000Z');
  });
  afterAll(() => {
    if (before === undefined) delete process.env.ANCU_DATASET_DIR;
    else process.env.ANCU_DATASET_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders a page once per publish and answers repeats with the same bytes', async () => {
    renders = 0;
    const first = await answer('/nha/BK-00001/', '<p>một</p>');
    const again = await answer('/nha/BK-00001/', '<p>không dùng</p>');
    expect(renders).toBe(1);
    expect(again).toEqual(first);
    expect(first).toEqual({ status: 200, etag: datasetVersion().etag, text: '<p>một</p>' });
  });

  it('answers a current copy of a kept page with 304 before any render', async () => {
    renders = 0;
    const revalidated = await answer('/nha/BK-00001/', 'x', { headers: { 'if-none-match': datasetVersion().etag } });
    expect(revalidated).toEqual({ status: 304, etag: datasetVersion().etag, text: '' });
    expect(renders).toBe(0);
  });

  it('gives the production server the kept answer, bytes or 304, without a render', async () => {
    const current = (etag: string | null) => (name: string) => (name === 'if-none-match' ? etag : null);
    const kept = keptAnswer('/nha/BK-00001/', current(null))!;
    expect([kept.status, Buffer.from(kept.body!).toString()]).toEqual([200, '<p>một</p>']);
    expect(keptAnswer('/nha/BK-00001/', current(datasetVersion().etag))).toMatchObject({ status: 304, body: null });
    expect(keptAnswer('/nha/BK-00002/', current(null))).toBeNull();
  });

  it('renders again after a new publish', async () => {
    publish('2025-01-02T00:00:00Z');
    renders = 0;
    expect((await answer('/nha/BK-00001/', '<p>hai</p>')).text).toBe('<p>hai</p>');
    expect(renders).toBe(1);
  });

  it('keeps neither a page asked with a query, nor a 404, nor a page without the dataset validators', async () => {
    renders = 0;
    await answer('/nha/BK-00002/?x=1', 'a');
    await answer('/nha/BK-00002/?x=1', 'a');
    await answer('/nha/BK-99999/', 'không có', { status: 404 });
    await answer('/nha/BK-99999/', 'không có', { status: 404 });
    const plain = async () => keptOrRendered(new URL('http://127.0.0.1/tim-kiem/'), get('/tim-kiem/'), async () => { renders++; return new Response('live'); });
    await plain();
    await plain();
    expect(renders).toBe(6);
  });
});
