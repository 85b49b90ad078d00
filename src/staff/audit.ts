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
