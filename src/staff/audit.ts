// The append-only audit log: every staff action and security event, who, when, what, from where.
import { and, desc, eq, gte, ilike, lt, type SQL } from 'drizzle-orm';
import { schema, type Db, type Tx } from '../../db/client';

const { auditLog } = schema;

export interface AuditEvent {
  actor: string | null;
  action: string;
  outcome: 'ok' | 'refused';
  target?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
}

export async function audit(db: Db | Tx, event: AuditEvent): Promise<void> {
  await db.insert(auditLog).values({
    actor: event.actor, action: event.action, outcome: event.outcome,
    target: event.target ?? null, details: event.details ?? null, ip: event.ip ?? null,
  });
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  outcome?: 'ok' | 'refused';
  target?: string;
  /** yyyy-mm-dd, inclusive, in Vietnam's time zone. */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE = 100;

// Newest first, a page at a time; `before` is the last id of the previous page.
export async function listAudit(db: Db, filter: AuditFilter, before?: number) {
  const where: SQL[] = [];
  if (filter.actor) where.push(eq(auditLog.actor, filter.actor));
  if (filter.action) where.push(ilike(auditLog.action, `${filter.action.replace(/[%_\\]/g, '\\$&')}%`));
  if (filter.outcome) where.push(eq(auditLog.outcome, filter.outcome));
  if (filter.target) where.push(eq(auditLog.target, filter.target));
  if (filter.from) where.push(gte(auditLog.at, new Date(`${filter.from}T00:00:00+07:00`)));
  if (filter.to) where.push(lt(auditLog.at, new Date(Date.parse(`${filter.to}T00:00:00+07:00`) + 86_400_000)));
  if (before) where.push(lt(auditLog.id, before));
  return db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(AUDIT_PAGE);
}

// What each logged action is called in the log's reading (Vietnamese, English); unknown ones show their code.
export const auditActionNames: Record<string, [string, string]> = {
  sign_in: ['Đăng nhập', 'Sign-in'], sign_out: ['Đăng xuất', 'Sign-out'], access_denied: ['Truy cập bị từ chối', 'Access denied'],
  csrf_refused: ['Biểu mẫu không hợp lệ (CSRF)', 'Form refused (CSRF)'], 'account.locked': ['Tài khoản bị tạm khóa', 'Account locked'],
  'account.create': ['Tạo tài khoản', 'Account created'], 'account.unlock': ['Mở khóa tài khoản', 'Account unlocked'],
  'account.disable': ['Vô hiệu hóa tài khoản', 'Account disabled'], 'account.enable': ['Kích hoạt lại tài khoản', 'Account enabled'],
  'account.end_sessions': ['Kết thúc phiên đăng nhập', 'Sessions ended'], 'account.access': ['Đặt vai trò và địa bàn', 'Role and areas set'],
  'account.reset': ['Đặt mật khẩu mới', 'New password set'], 'area.targets': ['Đặt mục tiêu số nhà theo huyện', 'District house targets set'],
  'house.register': ['Đăng ký hộ và nhà', 'Household registered'], 'house.stage': ['Chuyển giai đoạn nhà', 'House stage moved'],
  'households.import': ['Nhập danh sách hộ', 'Household list imported'], 'photo.upload': ['Tải ảnh lên', 'Photo uploaded'],
  'labour.record': ['Ghi ngày công', 'Labour recorded'], 'in_kind.record': ['Ghi hiện vật', 'Gift in kind recorded'],
  'office_cash.record': ['Ghi tiền mặt tại quỹ', 'Office cash recorded'], 'state_budget.record': ['Ghi ngân sách nhà nước', 'State budget recorded'],
  'state_payment.record': ['Ghi ngân sách đã chi cho hộ', 'State support paid recorded'], 'state_payment.import': ['Nhập tệp ngân sách đã chi', 'State payments file imported'],
  'allocation.create': ['Phân bổ tiền quỹ', 'Allocation'], 'disbursement.propose': ['Đề nghị chi', 'Payment proposed'],
  'disbursement.approve': ['Duyệt khoản chi', 'Payment approved'], 'disbursement.reject': ['Từ chối khoản chi', 'Payment rejected'],
  'entry.reverse': ['Đảo bút toán', 'Entry reversed'], 'correction.request': ['Yêu cầu điều chỉnh', 'Correction requested'], 'correction.decide': ['Quyết định yêu cầu điều chỉnh', 'Correction request decided'], 'payment_review.resolve': ['Xử lý mục đối soát', 'Review item resolved'],
  'donor.merge': ['Gộp người ủng hộ', 'Donors merged'], 'donor.unmerge': ['Hoàn tác gộp người ủng hộ', 'Donor merge undone'],
  'site.publish': ['Xuất bản', 'Publish'], 'site.publish.done': ['Xuất bản xong', 'Publish done'], 'site.publish.failed': ['Xuất bản thất bại', 'Publish failed'],
};
