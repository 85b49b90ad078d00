// The review queue page on the built server: only an approver with the session's CSRF token can post a
// queued bank row, a double submit posts once, and the raw memo is shown only to roles that handle donors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type DbHandle } from '../../db/client';
import { importStatement } from '../../src/payments/bank-import';
import { parseStatement } from '../../src/payments/bank-statement';
import type { Role } from '../../src/staff/permissions';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatementFile } from '../../src/payments/statement-file';
import { buildStaffWorld, recordsDigest, signInEveryRole } from '../db/staff-world';
import type { RunningServer } from './browser';
import { ensureBuilt, stageServer, type StagedServer } from './staff-server';

const drivers = (['pglite', 'postgres'] as const).filter((d) => d === 'pglite' || process.env.DATABASE_URL);
const MEMO = 'NGUYEN VAN BINH 0912345678 ung ho';

for (const driver of drivers) {
  describe(`payment review page on the built server (${driver})`, () => {
    let staged: StagedServer;
    let server: RunningServer;
    let sessions: Record<Role, { token: string; csrf: string }>;

    beforeAll(async () => {
      await ensureBuilt();
      staged = await stageServer(driver, async (handle) => {
        await buildStaffWorld(handle.db);
        const path = join(mkdtempSync(join(tmpdir(), 'ancu-e2e-review-')), 'sao-ke.csv');
        writeFileSync(path, vietcombankCsv([{ date: '05/09/2024', reference: 'FT55', creditVnd: 150_000, memo: MEMO }]));
        const file = await readStatementFile(path);
        await importStatement(handle.db, parseStatement(file.table), file);
        sessions = await signInEveryRole(handle.db);
      });
      server = await staged.start();
    }, 600_000);

    afterAll(async () => {
      await server?.stop();
      await staged?.cleanup();
    });

    const post = (role: Role, fields: Record<string, string>) => fetch(`${server.url}/staff/payment-reviews`, {
      method: 'POST', redirect: 'manual',
      headers: { Cookie: `ancu_staff=${sessions[role].token}`, Origin: server.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const page = async (role: Role) => (await fetch(`${server.url}/staff/payment-reviews?item=1`, { headers: { Cookie: `ancu_staff=${sessions[role].token}` } })).text();

    it('shows the raw memo to recorders and approvers but not auditors, and offers the forms only to approvers', async () => {
      expect(await page('approver')).toContain(MEMO);
      expect(await page('recorder')).toContain(MEMO);
      const auditor = await page('auditor');
      expect(auditor).toContain('150.000 ₫');
      expect(auditor).not.toContain('0912345678');
      expect(auditor).not.toContain('name="how"');
      expect(await page('approver')).toContain('value="general_fund"');
    });

    it('refuses other roles and a missing or foreign CSRF token, then posts once for an approver\'s double submit', async () => {
      const form = (csrf?: string) => ({ ...(csrf === undefined ? {} : { csrf }), submission: 'e2e-review-submission-0001', reviewId: '1', how: 'general_fund', note: 'không mã' });
      const refusals = [
        await post('recorder', form(sessions.recorder.csrf)), await post('auditor', form(sessions.auditor.csrf)), await post('administrator', form(sessions.administrator.csrf)),
        await post('approver', form()), await post('approver', form('')), await post('approver', form(sessions.recorder.csrf)),
      ];
      expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
      const first = await post('approver', form(sessions.approver.csrf));
      expect(first.status).toBe(200);
      expect(await first.text()).toContain('150.000 ₫ posted to the general fund');
      const again = await post('approver', form(sessions.approver.csrf));
      expect(again.status).toBe(200);
      expect(await again.text()).toMatch(/nothing was recorded twice/);

      await server.stop();
      const handle: DbHandle = await staged.open();
      expect(await recordsDigest(handle.db)).toMatch(/contributions:1:/);
      const [review] = await handle.db.select().from(schema.paymentReviews);
      expect(review).toMatchObject({ resolvedBy: 'hanh', resolution: 'general_fund: không mã' });
    });
  });
}
