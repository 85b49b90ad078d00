// The transparency log across publishes, on one driver: tiles extend byte for byte, the history verifies,
// a rewritten early entry is caught by the first checkpoint, and the standalone verify.mjs agrees.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type DbHandle } from '../../db/client';
import { journalBatches } from '../../src/domain/journal-read';
import { chainHash, GENESIS_HASH } from '../../src/ledger/hash';
import { publishDataset, type PublishReport } from '../../src/publish/export';
import { verifyDataset } from '../../src/publish/verify-dataset';
import { LogRewrittenError } from '../../src/publish/tlog/log-writer';
import { cosigner, generatePrivateKey, signerFromPrivateKey } from '../../src/publish/tlog/signer';
import { filesUnder, type FreshDb } from './harness';
import { buildWorld, give, type World } from './world';

const run = promisify(execFile);

// What a forger with database access does: rewrite entry #1 and recompute every hash after it, so the
// linear chain alone verifies again.
async function rewriteFirstEntry(handle: DbHandle): Promise<void> {
  await handle.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    let prev = GENESIS_HASH;
    let count = 0;
    const rows: SQL[] = [];
    for await (const batch of journalBatches(tx)) {
      for (const entry of batch) {
        const description = entry.id === 1 ? `${entry.description} (sửa lại)` : entry.description;
        const hash = chainHash(prev, entry.id, { ...entry, description });
        rows.push(sql`(${entry.id}::bigint, ${description}, ${prev}, ${hash})`);
        prev = hash;
        count = entry.id;
      }
    }
    // One statement for the whole rewrite: row-by-row updates are slow on a busy PostgreSQL.
    await tx.execute(sql`UPDATE journal_entries e SET description = v.d, prev_hash = v.p, hash = v.h
      FROM (VALUES ${sql.join(rows, sql`, `)}) AS v(id, d, p, h) WHERE e.id = v.id`);
    await tx.update(schema.chainHead).set({ entryCount: count, headHash: prev });
  });
}

export function tlogSuite(driver: string, fresh: FreshDb): void {
  describe(`transparency log across publishes (${driver})`, () => {
    let handle: DbHandle;
    let world: World;
    let root: string;
    let first: string;
    let firstReport: PublishReport;
    let second: string;
    let secondReport: PublishReport;
    let firstFiles: Map<string, Buffer>;
    let inodesBefore: Map<string, number>;
    const signer = signerFromPrivateKey(generatePrivateKey('an-cu.test/journal'));

    const gifts = async (n: number) => {
      for (let i = 0; i < n; i++) await give(handle.db, world, { amountVnd: 100_000 + i, donor: { kind: 'individual', displayName: `Người ${i}` } });
    };

    beforeAll(async () => {
      handle = await fresh();
      world = await buildWorld(handle.db, 2);
      await gifts(270);
      root = mkdtempSync(join(tmpdir(), 'ancu-tlog-'));
      first = join(root, 'first');
      firstReport = await publishDataset(handle.db, first, { signer, now: new Date('2025-01-01T00:00:00Z') });
      firstFiles = new Map(filesUnder(join(first, 'tile')).map((p) => [p, readFileSync(join(first, 'tile', p))]));
      // The second publish goes to the same folder, as `npm run publish` does; the first is kept aside.
      await gifts(300);
      second = join(root, 'second');
      await run('cp', ['-a', first, second]);
      inodesBefore = new Map(filesUnder(join(second, 'tile')).map((p) => [p, statSync(join(second, 'tile', p)).ino]));
      secondReport = await publishDataset(handle.db, second, { signer, now: new Date('2025-02-01T00:00:00Z') });
    }, 600_000);
    afterAll(async () => {
      await handle?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it('writes C2SP tiles: full tiles once, the right edge as partial tiles, and entry bundles', () => {
      const n1 = firstReport.log.size;
      expect(n1).toBe(firstReport.entries);
      expect(firstFiles.has('0/000')).toBe(true);
      expect(firstFiles.has(`0/001.p/${n1 - 256}`)).toBe(true);
      expect(firstFiles.has('1/000.p/1')).toBe(true);
      expect(existsSync(join(first, 'tile/entries/000'))).toBe(true);
      expect(statSync(join(first, 'tile/0/000')).size).toBe(8192);
      expect(secondReport.log.size).toBe(secondReport.entries);
      expect(secondReport.log.size).toBeGreaterThan(512);
      expect(secondReport.log.tilesReused).toBeGreaterThan(0);
      expect(readFileSync(join(second, 'checkpoint'), 'utf8')).toBe(secondReport.log.note);
    });

    it('the second publish extends the first byte for byte and never rewrites a full tile', () => {
      for (const [path, bytes] of firstFiles) {
        const now = join(second, 'tile', path);
        if (path.includes('.p/')) {
          // A partial tile of an earlier checkpoint stays until its full tile exists.
          const full = now.replace(/\.p\/\d+$/, '');
          expect(existsSync(now) || existsSync(full), path).toBe(true);
          if (existsSync(full)) expect(readFileSync(full).subarray(0, bytes.length).equals(bytes), path).toBe(true);
          continue;
        }
        expect(readFileSync(now).equals(bytes), path).toBe(true);
        // The same file (inode) as before the publish: linked into the new folder, not written again.
        expect(statSync(now).ino, `${path} was rewritten`).toBe(inodesBefore.get(path));
      }
      expect(existsSync(join(second, 'tile/0/001'))).toBe(true);
    });

    it('keeps the signed history; both checkpoints verify, and the first is a prefix of the second', async () => {
      const history = readFileSync(join(second, 'checkpoints.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tree_size: number; note: string });
      expect(history.map((h) => h.tree_size)).toEqual([firstReport.log.size, secondReport.log.size]);
      expect(history[0]!.note).toBe(firstReport.log.note);
      const report = await verifyDataset(second, { key: signer.verifierKey, since: firstReport.log.note });
      expect(report.fault).toBeUndefined();
      expect(report.checked.join('\n')).toMatch(/2 checkpoint\(s\) in the history/);
      expect(report.checked.join('\n')).toMatch(new RegExp(`saved checkpoint of ${firstReport.log.size}`));
      // A different fund key is refused.
      const other = signerFromPrivateKey(generatePrivateKey('an-cu.test/journal'));
      expect((await verifyDataset(second, { key: other.verifierKey })).fault?.reason).toMatch(/not signed by the log key|does not verify/);
    });

    it('witness cosignatures: a threshold is met only with the witness line', async () => {
      const witness = cosigner('witness.an-cu.test', new Uint8Array(32).fill(3));
      const noteText = readFileSync(join(second, 'checkpoint'), 'utf8');
      const text = noteText.slice(0, noteText.indexOf('\n\n') + 1);
      const dir = join(root, 'witnessed');
      await run('cp', ['-a', second, dir]);
      expect((await verifyDataset(dir, { key: signer.verifierKey, witnesses: [witness.verifierKey], threshold: 1 })).fault?.reason).toMatch(/0 of the required 1/);
      appendFileSync(join(dir, 'checkpoint'), witness.cosign(text, 1_735_689_600));
      const report = await verifyDataset(dir, { key: signer.verifierKey, witnesses: [witness.verifierKey], threshold: 1 });
      expect(report.fault).toBeUndefined();
    });

    it('a tampered tile, bundle or note is caught', { timeout: 180_000 }, async () => {
      for (const [path, change] of [
        ['tile/0/000', (b: Buffer) => { b[5] = b[5]! ^ 1; return b; }],
        ['tile/entries/001', (b: Buffer) => { b[40] = b[40]! ^ 1; return b; }],
        ['checkpoint', (b: Buffer) => Buffer.from(b.toString().replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) - 1}\n`))],
      ] as const) {
        const dir = join(root, `tamper-${path.replace(/\W/g, '_')}`);
        await run('cp', ['-a', second, dir]);
        const full = join(dir, path);
        const bytes = change(readFileSync(full));
        rmSync(full);
        writeFileSync(full, bytes);
        const report = await verifyDataset(dir, { key: signer.verifierKey });
        expect(report.ok, path).toBe(false);
      }
    });

    it('a rewritten early entry with a recomputed chain: publish refuses it, and the first checkpoint catches it', async () => {
      await rewriteFirstEntry(handle);
      // Publishing over the previous dataset is refused: the first tile no longer matches.
      const over = join(root, 'over');
      await run('cp', ['-a', second, over]);
      await expect(publishDataset(handle.db, over, { signer })).rejects.toBeInstanceOf(LogRewrittenError);
      expect(readFileSync(join(over, 'checkpoint'), 'utf8')).toBe(secondReport.log.note);
      // A forger who starts a fresh folder gets a dataset whose own chain and log verify...
      const forged = join(root, 'forged');
      await publishDataset(handle.db, forged, { signer });
      expect((await verifyDataset(forged, { key: signer.verifierKey })).ok).toBe(true);
      // ...but anyone who kept the first checkpoint sees the rewrite.
      const caught = await verifyDataset(forged, { key: signer.verifierKey, since: firstReport.log.note });
      expect(caught.ok).toBe(false);
      expect(caught.fault).toMatchObject({ file: '--since' });
      expect(caught.fault!.reason).toMatch(/not a prefix of today's log/);

      // The standalone verifier, run as a visitor would, says the same.
      const saved = join(root, 'saved-checkpoint.txt');
      writeFileSync(saved, firstReport.log.note);
      const good = await run(process.execPath, [join(second, 'verify.mjs'), second, '--key', signer.verifierKey, '--since', saved]);
      expect(good.stdout).toMatch(/OK: /);
      const quick = await run(process.execPath, [join(second, 'verify.mjs'), second, '--since', saved, '--quick', '--entry', '3']);
      expect(quick.stdout).toMatch(/entry #3 is in the signed log/);
      const bad = await run(process.execPath, [join(second, 'verify.mjs'), forged, '--key', signer.verifierKey, '--since', saved, '--quick']).catch((error: { code: number; stderr: string }) => error);
      expect(bad).toMatchObject({ code: 1 });
      expect((bad as { stderr: string }).stderr).toMatch(/NOT a prefix/);
    }, 300_000);
  });
}
