// Pages rendered on request from the served dataset (houses, ledger pages): the validators a browser or
// CDN revalidates with, so a page is rendered once per publish per cache and a new publish shows at once.
import { notModified } from '../server/static';
import { datasetVersion } from './read';

// Stored but revalidated on every use: a 304 costs a header check, and a new publish is seen at once.
export const ON_DEMAND_CACHE = 'public, no-cache';

// The validators of this publish's pages: one ETag per publish, its time, and revalidation on every use.
export function datasetValidators(): [string, string][] {
  const version = datasetVersion();
  return [['ETag', version.etag], ['Last-Modified', version.modified.toUTCString()], ['Cache-Control', ON_DEMAND_CACHE]];
}

// True when the client's copy is this publish's; `header` reads a request header by its lower-case name.
export function clientCopyCurrent(header: (name: 'if-none-match' | 'if-modified-since') => string | null | undefined): boolean {
  const version = datasetVersion();
  return notModified(header, version.etag, version.modified);
}

// Sets ETag, Last-Modified and Cache-Control on the page's response; a 304 when the client's copy is current.
export function notModifiedPage(request: Request, headers: Headers): Response | null {
  for (const [name, value] of datasetValidators()) headers.set(name, value);
  if (!clientCopyCurrent((name) => request.headers.get(name))) return null;
  return new Response(null, { status: 304, headers });
}

// A page number as the publish's links spell it ("7", never "07" or "7.0"), or 0 for any other text, so
// one page has one address (and one cached copy).
export function pageParam(value: string | undefined): number {
  return /^[1-9]\d{0,6}$/.test(value ?? '') ? Number(value) : 0;
}
