// Stage photos, public: they were re-encoded without metadata on upload and have unguessable names.
import type { APIRoute } from 'astro';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PHOTO_NAME, photosDir } from '../../staff/photos';

export const prerender = false;

export const GET: APIRoute = async ({ params }) => {
  const name = params.name ?? '';
  if (!PHOTO_NAME.test(name)) return new Response('Not found', { status: 404 });
  try {
    const data = await readFile(join(photosDir(), name));
    return new Response(data, {
      headers: { 'Content-Type': 'image/jpeg', 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
};
