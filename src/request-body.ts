// Reading a request body within a size limit: the stream is read and counted, so a lying or missing
// Content-Length cannot make the server hold more than the limit. Used by every route that reads a body.

export class BodyTooLarge extends Error {
  constructor() {
    super('body_too_large');
    this.name = 'BodyTooLarge';
  }
}

export class BodyUnreadable extends Error {
  constructor() {
    super('body_unreadable');
    this.name = 'BodyUnreadable';
  }
}

// The raw bytes, stopping (and cancelling the upload) as soon as the limit is passed.
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new BodyTooLarge();
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new BodyUnreadable();
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

export const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

// A form body (urlencoded or multipart) within the limit; a body the parser cannot read is BodyUnreadable.
export async function readForm(request: Request, maxBytes: number): Promise<FormData> {
  const bytes = await readLimitedBody(request, maxBytes);
  try {
    return await new Response(new Uint8Array(bytes), { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch {
    throw new BodyUnreadable();
  }
}
