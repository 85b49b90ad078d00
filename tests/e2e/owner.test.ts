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

  // Transfers paying pledges from..to, spread among `noise` rows that match nothing (they go to review).
  const statement = (name: string, from: number, to: number, noise = 0) => {
    const path = join(base, name);
    const rows = receipts.slice(from, to).map((code, i) => ({ date: '05/09/2025', reference: `FT${from + i}`, creditVnd: 100_000 + (from + i) * 1_000, memo: `IBFT ${code}` }));
    const every = Math.max(1, Math.floor(noise / Math.max(1, rows.length)));
    for (let i = 0; i < noise; i++) rows.splice(Math.min(rows.length, i + Math.floor(i / every)), 0, { date: '05/09/2025', reference: `NX${name}${i}`, creditVnd: 50_000 + i, memo: `ung ho dot ${i}` });
    writeFileSync(path, vietcombankCsv(rows));
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

    // Before the import the lookup knows the code only as a pledge still waiting for its transfer.
    expect(await (await fetch(`${server.url}/api/lookup?code=${receipts[0]}`)).json()).toMatchObject({ status: 'pledged' });
    const imported = await runScript('import-bank', [statement('first.csv', 0, 10)], env);
    expect(imported.stdout).toMatch(/matched and confirmed: 10 transfers/);
    // The receipt page of the running site shows the confirmed gift.
    const receipt = await fetch(`${server.url}/api/lookup?code=${receipts[0]}`);
    expect(receipt.status).toBe(200);
    expect(await receipt.json()).toMatchObject({ status: 'confirmed' });

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
    // 190 transfers to confirm among 3,000 rows, one row per transaction: kill -9 at the first progress line.
    let killed = false;
    const burst = runScript('import-bank', [statement('burst.csv', 10, 200, 3000), '--batch', '1'], env, '', (stdout) => {
      if (!killed && /rows imported: [1-9]/.test(stdout)) {
        killed = true;
        server!.process.kill('SIGKILL');
      }
    });
    const interrupted = await burst;
    expect(killed).toBe(true);
    await server!.stop();
    expect(interrupted.code).not.toBe(0);
    expect(interrupted.stderr).toContain('closed the admin channel');
    expect(existsSync(lockPathOf(dir))).toBe(true); // left behind by the killed server

    server = await startProdServer(env);
    const verified = await runScript('verify-ledger', [], env);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/OK: \d+ entries/) });
    // The rest of the statement posts on a second import (same batch size: each batch is claimed by its own key); nothing posts twice.
    const again = await runScript('import-bank', [statement('burst.csv', 10, 200, 3000), '--batch', '1'], env);
    expect(again.code, again.stderr).toBe(0);
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
  }, 300_000);
});
