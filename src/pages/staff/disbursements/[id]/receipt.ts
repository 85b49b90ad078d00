// The receipt or handover record of one payment, for staff only: never cached, never sniffed as anything else.
import type { APIRoute } from 'astro';
import { eq } from 'drizzle-orm';
import { schema, sharedDatabase } from '../../../../../db/client';
import { requireStaffRoute } from '../../../../staff/page';
import { parseId } from '../../../../staff/query-params';
import { readReceipt } from '../../../../staff/receipts';

export const prerender = false;

export const GET: APIRoute = async (context) => {
  const refused = requireStaffRoute(context, '/staff/disbursements/[id]/receipt');
  if (refused) return refused;
  const id = parseId(context.params.id) ?? 0;
  const [row] = id > 0
    ? await sharedDatabase().db.select({ file: schema.disbursements.receiptFile, kind: schema.disbursements.receiptKind }).from(schema.disbursements).where(eq(schema.disbursements.id, id))
    : [];
  const plain = (status: number, vi: string, en: string) => new Response(`${vi}\n${en}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  if (!row) return plain(404, 'Không tìm thấy khoản chi.', 'Payment not found.');
  // Payments recorded before receipts were asked for have none: that is an answer, not a missing page.
  if (!row.file) return plain(200, 'Khoản chi này được ghi trước khi phải đính kèm biên nhận.', 'This payment was recorded before receipts were required.');
  return new Response(new Uint8Array(await readReceipt(row.file)), {
    headers: {
      'Content-Type': row.kind === 'pdf' ? 'application/pdf' : 'image/jpeg',
      'Content-Disposition': `inline; filename="bien-nhan-${id}.${row.kind === 'pdf' ? 'pdf' : 'jpg'}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
};
