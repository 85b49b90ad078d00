// Pages rendered on request from the dataset change only with a publish, so the server keeps each one it
// rendered, as the bytes it sent, until the next publish (up to PAGE_CACHE_BYTES, the least recently used
// dropped first): a page costs one render per publish, and a repeat or a revalidation is answered by the
// production server before Astro, from the kept bytes or as a 304. A page is kept only when it answered
// 200 with this publish's validators.
import { clientCopyCurrent, datasetValidators, ON_DEMAND_CACHE } from './on-demand';
import { datasetVersion } from './read';

/** Enough for the pages most asked for (a house page is 10–40 KB), bounded whatever the campaign's size. */
export const PAGE_CACHE_BYTES = 64 * 2 ** 20;

interface KeptPage {
  headers: [string, string][];
  body: ArrayBuffer;
}

interface PageStore {
  pages: Map<string, KeptPage>;
  etag: string;
  bytes: number;
}

// One store a process: the production server (scripts/serve.ts) and Astro's bundled middleware each load their own copy of this module.
const store: PageStore = ((globalThis as { [key: symbol]: PageStore })[Symbol.for('ancu.page-cache')] ??= { pages: new Map(), etag: '', bytes: 0 });

// A new publish swapped in: every kept page is of the old one.
function dropIfPublished(): void {
  const { etag } = datasetVersion();
  if (etag === store.etag) return;
  store.pages.clear();
  store.bytes = 0;
  store.etag = etag;
}

// Keeps a page as the most recently used, dropping the least recently used beyond the bound.
function remember(key: string, page: KeptPage): void {
  store.bytes += page.body.byteLength - (store.pages.get(key)?.body.byteLength ?? 0);
  store.pages.delete(key);
  store.pages.set(key, page);
  for (const [oldest, old] of store.pages) {
    if (store.bytes <= PAGE_CACHE_BYTES) break;
    store.pages.delete(oldest);
    store.bytes -= old.body.byteLength;
  }
}

/** A kept page's answer: 304 with the validators when the client's copy is current, else the bytes first sent. */
export interface KeptAnswer {
  status: 200 | 304;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

// The answer to a GET without a query from this publish's kept page, or null when the page is not kept.
// `header` reads a request header by its lower-case name.
export function keptAnswer(path: string, header: (name: 'if-none-match' | 'if-modified-since') => string | null | undefined): KeptAnswer | null {
  if (!store.pages.has(path)) return null;
  dropIfPublished();
  const page = store.pages.get(path);
  if (!page) return null;
  remember(path, page);
  return clientCopyCurrent(header) ? { status: 304, headers: datasetValidators(), body: null } : { status: 200, headers: page.headers, body: page.body };
}

// Answers a GET without a query from the kept page, or renders it and keeps it when it is one of the
// dataset's pages; anything else passes through.
export async function keptOrRendered(url: URL, request: Request, render: () => Promise<Response>): Promise<Response> {
  const cacheable = request.method === 'GET' && url.search === '';
  const kept = cacheable ? keptAnswer(url.pathname, (name) => request.headers.get(name)) : null;
  if (kept) return new Response(kept.body, { status: kept.status, headers: kept.headers });
  const response = await render();
  if (!cacheable || response.status !== 200 || response.headers.get('cache-control') !== ON_DEMAND_CACHE) return response;
  dropIfPublished();
  // Rendered from a publish that has since been replaced: sent, not kept.
  if (response.headers.get('etag') !== store.etag) return response;
  const body = await response.arrayBuffer();
  remember(url.pathname, { headers: [...response.headers], body });
  return new Response(body, { status: 200, headers: response.headers });
}
