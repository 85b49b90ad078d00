// A small form posted by a visitor (feedback, a confirmation request): the content type, a size limit
// and a per-address rate limit are checked before zod reads the values. Refusals come in both languages.
import type { z } from 'zod';
import { BodyTooLarge, FORM_TYPES, readForm } from './request-body';
import type { RateLimiter } from './rate-limit';

/** A refused form keeps what was typed (bounded, without control characters), to be shown again. */
export type FormRead<T> = { ok: true; data: T } | { ok: false; status: number; vi: string; en: string; retryAfterSeconds?: number; typed?: Record<string, string> };

/** The forms read here are a few short fields. */
export const PUBLIC_FORM_BYTES = 16 * 1024;

// The first problem zod found, as its message ("vi / en") split into the two languages.
export function firstIssue(error: z.ZodError): { vi: string; en: string } {
  const message = error.issues[0]?.message ?? 'Dữ liệu không hợp lệ / Invalid input';
  const [vi, en] = message.includes(' / ') ? message.split(' / ') : [message, message];
  return { vi: vi!, en: en! };
}

// Reads and validates the form; an address over its limit is refused before the body is read.
export async function readPublicForm<S extends z.ZodTypeAny>(request: Request, schema: S, limiter: RateLimiter, ip: string, tooMany: (minutes: number, lang: 'vi' | 'en') => string, now = Date.now()): Promise<FormRead<z.output<S>>> {
  const allowed = limiter.check(ip, now);
  if (!allowed.ok) {
    const minutes = Math.max(1, Math.ceil(allowed.retryAfterMs / 60_000));
    return { ok: false, status: 429, vi: tooMany(minutes, 'vi'), en: tooMany(minutes, 'en'), retryAfterSeconds: Math.ceil(allowed.retryAfterMs / 1000) };
  }
  if (!FORM_TYPES.test(request.headers.get('content-type') ?? '')) return { ok: false, status: 415, vi: 'Chỉ nhận dữ liệu từ biểu mẫu.', en: 'Only the form can be submitted here.' };
  let form: FormData;
  try {
    form = await readForm(request, PUBLIC_FORM_BYTES);
  } catch (error) {
    return error instanceof BodyTooLarge ? { ok: false, status: 413, vi: 'Dữ liệu gửi lên quá lớn.', en: 'The submission is too large.' }
      : { ok: false, status: 400, vi: 'Không đọc được biểu mẫu; hãy gửi lại.', en: 'The form could not be read; please submit it again.' };
  }
  limiter.record(ip, now);
  const values = Object.fromEntries([...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : '']));
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const typed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.slice(0, 4000).replace(/[\p{Cc}\p{Cf}]/gu, (c) => (c === '\n' ? c : ''))]));
  return { ok: false, status: 400, ...firstIssue(parsed.error), typed };
}
