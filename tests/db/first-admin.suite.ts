// The first administrator's one-time link, through the production server's handler on a real database:
// shown form, refusals that keep the link, one success, then the link is gone (and expired ones too).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryRows, type DbHandle } from '../../db/client';
import { FIRST_ADMIN_TTL_MS, newFirstAdminToken, tokenUsable, type FirstAdminToken } from '../../src/server/first-admin';
import { gracefulServer, productionHandler, type GracefulServer } from '../../src/server/http';
import { signIn } from '../../src/staff/accounts';
import { PASSWORD } from './staff-world';
import type { FreshDb } from './harness';

export function firstAdminSuite(driver: string, fresh: FreshDb): void {
  describe(`first administrator link (${driver})`, () => {
    let handle: DbHandle;
    let server: GracefulServer;
    let base: string;
    let token: string;
    let kept: FirstAdminToken | null;
    let root: string;

    beforeEach(async () => {
      handle = await fresh();
      root = mkdtempSync(join(tmpdir(), 'ancu-first-admin-'));
      ({ token, kept } = newFirstAdminToken());
      server = gracefulServer(productionHandler({
        clientDir: root,
        app: (_req, res) => { res.writeHead(404); res.end(); },
        databaseAnswers: async () => true,
        firstAdmin: { db: handle.db, token: () => kept },
      }));
      await new Promise<void>((r) => server.server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      await server.stop(100);
      await handle.close();
      rmSync(root, { recursive: true, force: true });
    });

    const post = (fields: Record<string, string>) => fetch(`${base}/first-admin`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, username: 'admin', name: 'Quản trị viên', password: PASSWORD, repeat: PASSWORD, ...fields }),
    });
    const staff = async () => queryRows<{ username: string; role: string }>(handle.db, sql`SELECT username, role FROM staff_users`);

    it('creates the administrator once; refusals keep the link, success ends it', async () => {
      const form = await fetch(`${base}/first-admin?token=${token}`);
      expect(form.status).toBe(200);
      expect(form.headers.get('cache-control')).toBe('no-store');
      expect(await form.text()).toContain(`value="${token}"`);
      expect((await fetch(`${base}/first-admin?token=${token.slice(1)}x`)).status).toBe(410);

      const weak = await post({ password: 'password1', repeat: 'password1' });
      expect(weak.status).toBe(400);
      expect(await weak.text()).toContain('lang="en"');
      expect((await post({ repeat: `${PASSWORD}!` })).status).toBe(400);
      expect(await staff()).toEqual([]);

      const created = await post({});
      expect(created.status).toBe(303);
      expect(created.headers.get('location')).toBe('/staff/login');
      expect(await staff()).toEqual([{ username: 'admin', role: 'administrator' }]);
      expect(await signIn(handle.db, { username: 'admin', password: PASSWORD, ip: '127.0.0.5' })).toHaveProperty('token');

      expect((await post({ username: 'second' })).status).toBe(410);
      expect((await fetch(`${base}/first-admin?token=${token}`)).status).toBe(410);
      expect(await staff()).toHaveLength(1);
    });

    it('refuses an expired link, a link when staff exist, and a wrong token without changing anything', async () => {
      const now = Date.now();
      expect(tokenUsable(kept, token, now + FIRST_ADMIN_TTL_MS - 1000)).toBe(true);
      expect(tokenUsable(kept, token, now + FIRST_ADMIN_TTL_MS + 1000)).toBe(false);
      expect(tokenUsable(null, token)).toBe(false);
      expect(tokenUsable(kept, 42)).toBe(false);
      kept = { ...kept!, expiresAt: now - 1 };
      expect((await post({})).status).toBe(410);
      expect(await staff()).toEqual([]);
      ({ token, kept } = newFirstAdminToken());
      expect((await post({ token: 'x'.repeat(43) })).status).toBe(410);
      expect((await fetch(`${base}/first-admin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(415);
      expect(await staff()).toEqual([]);
    });
  });
}
