// Who may do what in the staff workspace: one table of routes and the permission each method needs,
// read by the request guard and enumerated by the tests. Pure: no I/O.
import { staffRoles } from '../../db/schema';

export type Role = (typeof staffRoles)[number];
export { staffRoles };

// Each role in words, for pages and messages.
export const roleNames: Record<Role, [string, string]> = {
  administrator: ['Quản trị viên', 'Administrator'], recorder: ['Người ghi sổ', 'Recorder'], approver: ['Người phê duyệt', 'Approver'], auditor: ['Kiểm tra viên', 'Auditor'],
};

export const permissions = [
  'workspace.view', 'records.read', 'records.write', 'allocations.create', 'disbursements.decide',
  'entries.reverse', 'audit.read', 'reports.read', 'accounts.manage', 'payments.review', 'bank.memo.read', 'site.publish',
  'household.private.read', 'mail.manage', 'publication.withdraw', 'areas.manage',
] as const;
export type Permission = (typeof permissions)[number];

const everyone: Permission[] = ['workspace.view', 'records.read', 'reports.read'];

// Recorders record and propose; approvers decide (never their own); auditors only read; administrators run accounts.
// Posting queued bank money is an approver's decision: it says where money goes, and the general fund has no area
// to scope a recorder to. A bank memo (the sender's name and account) is read only by those who handle donors.
// Withdrawing a name from publication (a donor's, or a head of household's on withdrawn consent) is the
// administrator's: it answers a person's request about their own data, not a money decision.
// Administrators set each district's target (houses to build or repair), which the report shows.
// Approvers and administrators may publish the public site (it only shows what is already recorded), and
// see and resend donor emails (the outbox).
// A household's ID number, phone and address are for those who deal with the household: recorders
// (within their own areas) and approvers (who pay the household); not administrators or auditors.
export const grants: Record<Role, readonly Permission[]> = {
  administrator: [...everyone, 'accounts.manage', 'audit.read', 'site.publish', 'mail.manage', 'publication.withdraw', 'areas.manage'],
  recorder: [...everyone, 'records.write', 'bank.memo.read', 'household.private.read'],
  approver: [...everyone, 'allocations.create', 'disbursements.decide', 'entries.reverse', 'payments.review', 'bank.memo.read', 'site.publish', 'household.private.read', 'mail.manage'],
  auditor: [...everyone, 'audit.read'],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

// Whether this person may see a household's private fields: the permission, and for a recorder the
// household's commune within their areas (communeIds null means every area).
export function maySeeHouseholdPrivate(role: Role, communeIds: ReadonlySet<number> | null, communeId: number): boolean {
  return can(role, 'household.private.read') && (communeIds === null || communeIds.has(communeId));
}

export type Method = 'GET' | 'POST';

export interface StaffRoute {
  /** Astro's route pattern, the page file's path under src/pages without its extension. */
  pattern: string;
  /** 'public' only for the sign-in page; every other method needs a session and the permission. */
  methods: Partial<Record<Method, Permission | 'public'>>;
  /** Largest request body accepted, checked before the body is read. */
  maxBodyBytes?: number;
  /** Nav label (Vietnamese / English) for pages listed in the workspace menu. */
  nav?: [string, string];
}

export const FORM_BODY_BYTES = 64 * 1024;
export const PHOTO_BODY_BYTES = 9 * 1024 * 1024;
export const IMPORT_BODY_BYTES = 2 * 1024 * 1024;

export const staffRoutes: readonly StaffRoute[] = [
  { pattern: '/staff/login', methods: { GET: 'public', POST: 'public' } },
  { pattern: '/staff/logout', methods: { POST: 'workspace.view' } },
  { pattern: '/staff', methods: { GET: 'workspace.view' }, nav: ['Tổng quan', 'Dashboard'] },
  { pattern: '/staff/households', methods: { GET: 'records.read', POST: 'records.write' }, nav: ['Hộ gia đình', 'Households'] },
  { pattern: '/staff/households/import', methods: { GET: 'records.write', POST: 'records.write' }, maxBodyBytes: IMPORT_BODY_BYTES, nav: ['Nhập danh sách', 'Import list'] },
  { pattern: '/staff/houses/[id]', methods: { GET: 'records.read', POST: 'records.write' }, maxBodyBytes: PHOTO_BODY_BYTES },
  { pattern: '/staff/in-kind', methods: { GET: 'records.write', POST: 'records.write' }, nav: ['Hiện vật', 'In kind'] },
  { pattern: '/staff/labour', methods: { GET: 'records.write', POST: 'records.write' }, nav: ['Ngày công', 'Labour'] },
  { pattern: '/staff/office-cash', methods: { GET: 'records.write', POST: 'records.write' }, nav: ['Tiền mặt tại quỹ', 'Office cash'] },
  { pattern: '/staff/bank-deposits', methods: { GET: 'records.write', POST: 'records.write' }, nav: ['Nộp tiền mặt vào ngân hàng', 'Cash to the bank'] },
  { pattern: '/staff/opening-balance', methods: { GET: 'records.write', POST: 'records.write' }, nav: ['Số dư đầu kỳ', 'Opening balance'] },
  { pattern: '/staff/state-budget', methods: { GET: 'records.write', POST: 'records.write' }, nav: ['Ngân sách nhà nước', 'State budget'] },
  { pattern: '/staff/state-payments', methods: { GET: 'records.write', POST: 'records.write' }, maxBodyBytes: IMPORT_BODY_BYTES, nav: ['Ngân sách đã chi cho hộ', 'State support paid'] },
  { pattern: '/staff/allocations', methods: { GET: 'records.read', POST: 'allocations.create' }, nav: ['Phân bổ', 'Allocations'] },
  { pattern: '/staff/disbursements', methods: { GET: 'records.read', POST: 'records.write' }, maxBodyBytes: PHOTO_BODY_BYTES, nav: ['Chi cho hộ', 'Payments'] },
  { pattern: '/staff/disbursements/[id]', methods: { GET: 'records.read', POST: 'disbursements.decide' } },
  { pattern: '/staff/disbursements/[id]/receipt', methods: { GET: 'records.read' } },
  { pattern: '/staff/payment-reviews', methods: { GET: 'records.read', POST: 'payments.review' }, nav: ['Đối soát tiền vào', 'Payment review'] },
  { pattern: '/staff/donors', methods: { GET: 'records.read', POST: 'entries.reverse' }, nav: ['Người ủng hộ', 'Donors'] },
  { pattern: '/staff/withdrawals', methods: { GET: 'publication.withdraw', POST: 'publication.withdraw' }, nav: ['Rút tên khỏi công bố', 'Withdraw names'] },
  { pattern: '/staff/corrections', methods: { GET: 'records.read', POST: 'entries.reverse' }, nav: ['Điều chỉnh', 'Corrections'] },
  { pattern: '/staff/corrections/request', methods: { POST: 'records.write' } },
  { pattern: '/staff/report', methods: { GET: 'reports.read', POST: 'areas.manage' }, nav: ['Báo cáo 6 tháng', 'Six-monthly report'] },
  { pattern: '/staff/report.csv', methods: { GET: 'reports.read' } },
  { pattern: '/staff/report.pdf', methods: { GET: 'reports.read' } },
  { pattern: '/staff/confirmations', methods: { GET: 'records.read' }, nav: ['Xác nhận cho doanh nghiệp', 'Business confirmations'] },
  { pattern: '/staff/feedback', methods: { GET: 'records.read', POST: 'records.write' }, nav: ['Góp ý của nhân dân', 'Public questions'] },
  { pattern: '/staff/audit', methods: { GET: 'audit.read' }, nav: ['Nhật ký', 'Audit log'] },
  { pattern: '/staff/mail', methods: { GET: 'mail.manage', POST: 'mail.manage' }, nav: ['Thư gửi người ủng hộ', 'Donor emails'] },
  { pattern: '/staff/publish', methods: { GET: 'site.publish', POST: 'site.publish' }, nav: ['Xuất bản', 'Publish'] },
  { pattern: '/staff/accounts', methods: { GET: 'accounts.manage', POST: 'accounts.manage' }, nav: ['Tài khoản', 'Accounts'] },
];

// '/staff/houses/[id]' matches '/staff/houses/12' (one path segment per parameter).
function patternRegex(pattern: string): RegExp {
  const body = pattern.split('/').map((part) => (/^\[\w+\]$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${body}/?$`);
}
const compiled = staffRoutes.map((route) => ({ route, regex: patternRegex(route.pattern) }));

export function matchStaffRoute(pathname: string): StaffRoute | undefined {
  return compiled.find(({ regex }) => regex.test(pathname))?.route;
}

const byPattern = new Map(staffRoutes.map((route) => [route.pattern, route]));
// The staff route for the pattern Astro matched (context.routePattern): what the gate authorises on,
// since the path text can be spelt many ways (//staff, /staff/./x, %2F) that reach the same page.
export function staffRouteByPattern(pattern: string | undefined): StaffRoute | undefined {
  return pattern === undefined ? undefined : byPattern.get(pattern);
}

// Whether a path, however spelt, points into the staff workspace: such a path that matched no staff
// route is refused rather than passed on.
export function looksLikeStaffPath(pathname: string): boolean {
  let text = pathname;
  try {
    text = decodeURIComponent(pathname);
  } catch {
    // malformed percent-encoding: judge the raw text
  }
  return /^[\\/]*staff(?:[\\/;?.]|$)/i.test(text.replace(/^(?:[\\/]+\.{1,2})+/, '/'));
}

// The page file's route, as Astro derives it: 'src/pages/staff/houses/[id].astro' → '/staff/houses/[id]'.
export function routeOfPageFile(file: string): string {
  const route = file.replace(/\\/g, '/').replace(/^.*src\/pages/, '').replace(/\.(astro|ts)$/, '').replace(/\/index$/, '');
  return route || '/';
}

// The methods a route answers, HEAD wherever GET works.
export function allowedMethods(route: StaffRoute): string[] {
  const methods = Object.keys(route.methods);
  return route.methods.GET ? ['GET', 'HEAD', ...methods.filter((m) => m !== 'GET')] : methods;
}

export type Decision =
  | { kind: 'allow' }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'sign_in' }
  | { kind: 'forbidden'; permission: Permission };

// The whole access rule in one place: route known, method known, signed in, role granted.
export function decide(route: StaffRoute | undefined, method: string, role: Role | undefined): Decision {
  if (!route) return { kind: 'not_found' };
  // HEAD is GET without the body, so it needs what GET needs.
  const needed = route.methods[(method === 'HEAD' ? 'GET' : method) as Method];
  if (!needed) return { kind: 'method_not_allowed', allowed: allowedMethods(route) };
  if (needed === 'public') return { kind: 'allow' };
  if (!role) return { kind: 'sign_in' };
  return can(role, needed) ? { kind: 'allow' } : { kind: 'forbidden', permission: needed };
}
