// A content digest of every table in the database (not row counts): a change to any value of any row
// shows. Tables named in `except` are left out, and `ignoreColumns` drops columns that may move on
// their own (a session's last-seen time).
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';

export interface DigestOptions {
  except?: readonly string[];
  ignoreColumns?: Readonly<Record<string, readonly string[]>>;
}

export async function tableDigests(db: Db, options: DigestOptions = {}): Promise<Record<string, string>> {
  const tables = await queryRows<{ name: string }>(db, sql`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    if (options.except?.includes(name)) continue;
    const columns = await queryRows<{ name: string }>(db, sql`
      SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${name} ORDER BY ordinal_position`);
    const kept = columns.map((c) => c.name).filter((c) => !options.ignoreColumns?.[name]?.includes(c));
    const list = kept.map((c) => `"${c}"`).join(', ');
    const [row] = await queryRows<{ digest: string | null; n: string | number }>(db, sql.raw(
      `SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest, count(*) AS n FROM (SELECT ${list} FROM "${name}") r`));
    digests[name] = `${row!.n}:${row!.digest}`;
  }
  return digests;
}

/** What the fuzz and gate tests may see change: the audit log, the sign-in throttle, session last-seen times. */
export const SECURITY_BOOKKEEPING: DigestOptions = {
  except: ['audit_log', 'login_throttle'],
  ignoreColumns: { staff_sessions: ['last_seen_at'] },
};
