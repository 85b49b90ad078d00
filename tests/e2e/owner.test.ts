// One owner of the embedded database: with the server running on a PGlite folder, every command runs
// through it (the server sees the result at once, the folder stays whole); a kill -9 during writes
// leaves a lock the next start clears and a ledger that verifies.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, queryRows } from '../../db/client';
import { lockPathOf } from '../../db/lock';
import { createPledge } from '../../src/payments/pledges';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';
import { buildWorld } from '../db/world';
import { PASSWORD } from '../db/staff-world';
import { ensureBuilt } from './browser';
import { swappableSite, type SwappableSite } from './staff-server';
import { runScript, signInStatus, startProdServer, type ProdServer } from './prod-server';

describe('one owner of the embedded database', () => {
  let base: string;
  let dir: string;
  let site: SwappableSite;
  let env: NodeJS.ProcessEnv;
  let server: ProdServer | undefined;
  const receipts: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    site = swappableSite('owner');
    base = mkdtempSync(join(tmpdir(), 'ancu-owner-'));
    dir = join(base, 'pglite');
    const handle = openPglite(dir);
    await handle.migrate();
    await buildWorld(handle.db, 1);
    for (let i = 0; i < 200; i++) {
      const pledge = await createPledge(handle.db, { target: { type: 'general' }, amountVnd: 100_000 + i * 1_000, displayName: null, anonymous: true, email: null, method: 'bank_transfer' });
      receipts.push(pledge.pledge.receiptCode);
    }
    await handle.close();
    env = { DATABASE_URL: '', PGLITE_DIR: dir, ANCU_SITE_DIR: site.root, PHOTOS_DIR: join(base, 'photos') };
  }, 600_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail' && server) console.error(server.output().slice(-3000));
  });

  afterAll(async () => {
    if (server) server.process.kill('SIGKILL');
    await server?.stop();
    site?.cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  const statement = (name: string, from: number, to: number) => {
    const path = join(base, name);
    writeFileSync(path, vietcombankCsv(receipts.slice(from, to).map((code, i) => ({ date: '05/09/2025', reference: `FT${from + i}`, creditVnd: 100_000 + (from + i) * 1_000, memo: `IBFT ${code}` }))));
    return path;
  };

  it('runs every command through the running server, which sees each result at once', async () => {
    server = await startProdServer(env);
    const lock = JSON.parse(readFileSync(lockPathOf(dir), 'utf8'));
    expect(lock).toMatchObject({ pid: server.process.pid, port: Number(new URL(server.url).port) });
    expect(await signInStatus(server.url, 'mai', PASSWORD)).toBe(401); // the server has the folder open

    for (const username of ['mai', 'lan']) {
      const added = await runScript('staff-add', ['--username', username, '--role', 'approver'], env, `${PASSWORD}\n`);
      expect(added.stderr).toContain('through');
      expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining(`Created approver "${username}"`) });
    }
    expect(await signInStatus(server.url, 'mai', PASSWORD)).toBe(303);
    expect(await signInStatus(server.url, 'lan', PASSWORD)).toBe(303);

    expect((await fetch(`${server.url}/api/lookup?code=${receipts[0]}`)).status).toBe(404);
    const imported = await runScript('import-bank', [statement('first.csv', 0, 10)], env);
    expect(imported.stdout).toMatch(/matched and confirmed: 10 transfers/);
    // The receipt page of the running site shows the confirmed gift.
    const receipt = await fetch(`${server.url}/api/lookup?code=${receipts[0]}`);
    expect(receipt.status).toBe(200);

    const verified = await runScript('verify-ledger', [], env);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/OK: \d+ entries/) });
    const reportDir = join(base, 'reports');
    expect((await runScript('report', ['--from', '2025-01-01', '--to', '2025-12-31', '--out', reportDir], env)).code).toBe(0);
    expect(existsSync(join(reportDir, 'report-2025-01-01-2025-12-31.csv'))).toBe(true);
    const published = await runScript('publish', ['--out', join(base, 'dataset')], env);
    expect(published.code).toBe(0);
    expect(existsSync(join(base, 'dataset', 'checkpoint.json'))).toBe(true);
    expect((await runScript('migrate', [], env)).code).toBe(0);
    const seeded = await runScript('seed-demo', ['--if-empty'], env);
    expect(seeded).toMatchObject({ code: 0, stdout: expect.stringContaining('already has data') });
    // Bad input still gets usage, not a stack trace, and reaches nothing.
    const typo = await runScript('staff-add', ['--usernme', 'x'], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Unknown flag --usernme');
    expect(typo.stderr).toContain('Usage: npm run staff:add');
  }, 900_000);

  it('a kill -9 during a burst of writes leaves a stale lock the next start clears, and a ledger that verifies', async () => {
    const burst = runScript('import-bank', [statement('burst.csv', 10, 200), '--batch', '1'], env);
    // Kill as soon as the burst has committed its first rows (each row is its own transaction).
    const deadline = Date.now() + 300_000;
    const confirmed = async () => {
      try {
        return (await fetch(`${server!.url}/api/lookup?code=${receipts[12]}`)).status === 200;
      } catch (error) {
        if (server!.process.exitCode !== null || server!.process.signalCode !== null) throw new Error(`the server died by itself:\n${server!.output()}`);
        return false; // a keep-alive connection closed under us: ask again
      }
    };
    while (!(await confirmed())) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
    server!.process.kill('SIGKILL');
    await server!.stop();
    const interrupted = await burst;
    expect(interrupted.code).not.toBe(0);
    expect(existsSync(lockPathOf(dir))).toBe(true); // left behind by the killed server

    server = await startProdServer(env);
    const verified = await runScript('verify-ledger', [], env);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/OK: \d+ entries/) });
    // The rest of the statement posts on a second import; nothing posts twice.
    const again = await runScript('import-bank', [statement('burst.csv', 10, 200)], env);
    expect(again.code).toBe(0);
    expect(await signInStatus(server.url, 'mai', PASSWORD)).toBe(303);
    expect(await server.stop()).toBe(0);
    expect(existsSync(lockPathOf(dir))).toBe(false); // a clean stop gives the folder back

    const handle = openPglite(dir);
    try {
      const [row] = await queryRows<{ n: number }>(handle.db, sql`SELECT count(*)::int AS n FROM pledges WHERE status = 'confirmed'`);
      expect(row!.n).toBe(200);
    } finally {
      await handle.close();
    }
    server = undefined;
  }, 900_000);

  it('refuses a second opener with a message in both languages while the folder is held', async () => {
    const held = openPglite(dir);
    try {
      const second = await runScript('staff-add', ['--username', 'x1', '--role', 'auditor'], env, `${PASSWORD}\n`);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('Thư mục dữ liệu');
      expect(second.stderr).toContain('is in use by process');
    } finally {
      await held.close();
    }
  });
});
