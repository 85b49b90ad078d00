// npm run bench:ledger — posting rate through the domain layer against bare INSERTs on the same
// PostgreSQL, and the time ledger:verify takes over a million journal entries; then that journal
// published, and the time ledger:verify-dataset and the standalone verify.mjs take over it.
// --verify-only skips the posting rates.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPostgres, queryRows } from '../db/client';
import { recordCashContribution } from '../src/domain/contributions';
import { committerFor } from '../src/domain/gift-batch';
import { GENESIS_HASH, chainHash } from '../src/ledger/hash';
import { cashGiftEntry } from '../src/ledger/postings';
import { parseFlags, progress, runCli, stagedProgress } from './lib/cli';
import { benchWorld, scratchDatabase } from './lib/bench';
import { commitmentCostPerGift } from './lib/bench-commitments';
import { timeDatasetVerifiers } from './lib/bench-verify';
import { publishDataset } from '../src/publish/export';
import { generatePrivateKey, signerFromPrivateKey } from '../src/publish/tlog/signer';

const flags = parseFlags(process.argv.slice(2), ['seconds', 'entries', 'keep', 'verify-only']);
const SECONDS = Number(flags.seconds ?? 5);
const VERIFY_ENTRIES = Number(flags.entries ?? 1_000_000);
// Where the million-entry journal is published for the dataset verifiers (kept with --keep).
const DATA_DIR = resolve('.build/bench-ledger/data');

// Runs `workers` loops of `op` for the given time and returns operations per second.
async function rate(workers: number, op: (worker: number, i: number) => Promise<unknown>): Promise<{ perSecond: number; count: number }> {
  const deadline = Date.now() + SECONDS * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; Date.now() < deadline; i++) {
      await op(worker, i);
      count++;
    }
  }));
  return { perSecond: count / ((performance.now() - started) / 1000), count };
}

await runCli(async () => {
  const scratch = await scratchDatabase('bench:ledger', 'bench');
  if (!scratch) return 2;
  const { admin, url: benchUrl } = scratch;
  console.log(`Scratch database ${scratch.name}; ${SECONDS} s per measurement.\n`);

  const setup = openPostgres(benchUrl.toString(), 2);
  await setup.migrate();
  const { campaignId, communes, houses } = await benchWorld(setup.db);
  const houseIds = houses.map((house) => house.houseId);
  await setup.close();

  const rows: string[] = [];
  let run = 0;
  for (const connections of flags['verify-only'] ? [] : [1, 8, 32]) {
    const plainClient = postgres(benchUrl.toString(), { max: connections, onnotice: () => {} });
    const plain = await rate(connections, (w, i) => plainClient`INSERT INTO bench_plain (amount_vnd, note) VALUES (${100_000 + i}, ${`w${w}`})`);
    await plainClient.end();
    const handle = openPostgres(benchUrl.toString(), connections);
    run++;
    const domain = await rate(connections, (w, i) => {
      const pick = (i * 7 + w) % 20;
      const target = pick < 3 ? { type: 'house', houseId: houseIds[(i * 13 + w) % houseIds.length] } : pick < 6 ? { type: 'commune', areaId: communes[i % 10] } : { type: 'general' };
      return recordCashContribution(handle.db, {
        idempotencyKey: `bench-${run}-${w}-${i}`, campaignId, channel: 'bank_transfer', amountVnd: 200_000 + (i % 50) * 10_000,
        target, receivedAt: new Date(), donor: { kind: 'individual', displayName: `Nhà hảo tâm ${w}-${i}` },
      });
    });
    await handle.close();
    const ratio = domain.perSecond / plain.perSecond;
    // One client cannot share a commit with anyone; many clients share one (group commit).
    const aim = connections === 1 ? 1 / 3 : 1;
    const { batches, items: gifts } = committerFor(handle.db).stats;
    rows.push(`| ${connections} | ${plain.perSecond.toFixed(0)} | ${domain.perSecond.toFixed(0)} | ${(gifts / batches).toFixed(1)} | ${ratio.toFixed(2)} (${ratio >= aim ? 'meets' : 'below'} the ${connections === 1 ? '0.33' : '1.0'} aim) |`);
    console.log(`${connections} client(s): bare INSERT ${plain.perSecond.toFixed(0)}/s, recorded contributions ${domain.perSecond.toFixed(0)}/s (${(gifts / batches).toFixed(1)} per commit), ratio ${ratio.toFixed(2)}`);
  }

  let commitmentLine = '';
  if (!flags['verify-only']) {
    const costing = openPostgres(benchUrl.toString(), 1);
    const [someDonor] = await queryRows<{ id: number }>(costing.db, sql`SELECT min(id) AS id FROM donors`);
    const cost = await commitmentCostPerGift(costing.db, campaignId, Number(someDonor!.id), houseIds);
    await costing.close();
    commitmentLine = `Commitments (public record, salt, SHA-256, one lookup per batch): ${cost.perBatchMs.toFixed(1)} ms per batch of 256 gifts, ${cost.perGiftUs.toFixed(0)} µs per gift of posting work (without them a gift skips exactly this).`;
    console.log(`\n${commitmentLine}`);
  }

  console.log(`\nLoading ${VERIFY_ENTRIES.toLocaleString('en')} journal entries for the verify benchmark ...`);
  const loadStarted = Date.now();
  const load = openPostgres(benchUrl.toString(), 1);
  // One donor gives every gift (its own row: with --verify-only no gift has made one).
  const [donor] = await queryRows<{ id: number }>(load.db, sql`INSERT INTO donors (kind, display_name) VALUES ('individual', 'Nhà hảo tâm B') RETURNING id`);
  await load.bulkLoad(async (bulk) => {
    // Bulk load only: the triggers (and foreign keys) are skipped here and verify checks everything after.
    await bulk.exec('SET LOCAL session_replication_role = replica');
    // The houses go too: their registrations were record entries of the journal this replaces.
    await bulk.exec('TRUNCATE journal_lines, journal_entries, public_records, pool_lots, idempotency_keys, contributions, houses, households CASCADE');
    const report = progress('entries generated');
    let prev = GENESIS_HASH;
    const files = { contributions: [] as string[], entries: [] as string[], lines: [] as string[], lots: [] as string[] };
    const flush = async () => {
      for (const [table, columns, lines] of [
        ['contributions', ['id', 'receipt_code', 'campaign_id', 'donor_id', 'kind', 'channel', 'amount_vnd', 'target_type', 'received_at'], files.contributions],
        ['journal_entries', ['id', 'kind', 'occurred_at', 'description', 'contribution_id', 'prev_hash', 'hash'], files.entries],
        ['journal_lines', ['entry_id', 'line_no', 'account', 'contribution_id', 'amount_vnd'], files.lines],
        ['pool_lots', ['pool_key', 'contribution_id', 'seq', 'remaining_vnd'], files.lots],
      ] as const) {
        await bulk.copy(table, [...columns], lines.join(''));
        lines.length = 0;
      }
    };
    const t0 = Date.parse('2024-08-01T00:00:00Z');
    for (let id = 1; id <= VERIFY_ENTRIES; id++) {
      const amountVnd = 100_000 + (id % 97) * 1_000;
      const occurredAt = new Date(t0 + id * 1000);
      const draft = cashGiftEntry({ contributionId: id, channel: 'bank_transfer', split: { houseVnd: 0, communeVnd: 0, generalVnd: amountVnd }, houseId: null, communeAreaId: null, occurredAt, description: `Đóng góp B${id}` });
      const hash = chainHash(prev, id, draft);
      files.contributions.push(`${id}\tB${id}\t${campaignId}\t${donor!.id}\tcash\tbank_transfer\t${amountVnd}\tgeneral\t${occurredAt.toISOString()}\n`);
      files.entries.push(`${id}\tcontribution\t${occurredAt.toISOString()}\t${draft.description}\t${id}\t${prev}\t${hash}\n`);
      draft.lines.forEach((l, n) => files.lines.push(`${id}\t${n + 1}\t${l.account}\t${id}\t${l.amountVnd}\n`));
      files.lots.push(`general\t${id}\t${id}\t${amountVnd}\n`);
      prev = hash;
      if (id % 50_000 === 0 || id === VERIFY_ENTRIES) {
        await flush();
        report(id, VERIFY_ENTRIES);
      }
    }
    await bulk.exec(`UPDATE chain_head SET entry_count = ${VERIFY_ENTRIES}, head_hash = '${prev}'`);
    // The replica role skipped the trigger that keeps cash balances; verify compares them with the journal.
    await bulk.exec('UPDATE cash_balances c SET balance_vnd = coalesce((SELECT sum(l.amount_vnd) FROM journal_lines l WHERE l.account = c.account), 0)');
  });
  await load.db.execute(sql`ANALYZE`);
  await load.close();
  console.log(`Loaded in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s. Running npm run ledger:verify ...`);
  const verifyStarted = performance.now();
  const verify = spawnSync('npm', ['run', '--silent', 'ledger:verify'], { env: { ...process.env, DATABASE_URL: benchUrl.toString() }, encoding: 'utf8' });
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  if (verify.status !== 0) {
    console.error(verify.stdout, verify.stderr);
    throw new Error('ledger:verify failed on the benchmark journal');
  }
  console.log(verify.stdout.trim().split('\n').at(-1));

  console.log(`\nPublishing the ${VERIFY_ENTRIES.toLocaleString('en')}-entry journal to ${DATA_DIR} ...`);
  const publishing = openPostgres(benchUrl.toString(), 1);
  const publishStarted = performance.now();
  // A scratch key: the benchmark's checkpoints are not the fund's.
  const published = await publishDataset(publishing.db, DATA_DIR, { signer: signerFromPrivateKey(generatePrivateKey('bench-ledger/journal')), incremental: false, onProgress: stagedProgress() });
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  await publishing.close();
  const verifierLines = timeDatasetVerifiers(DATA_DIR, published.entries);
  for (const line of verifierLines) console.log(line);

  if (rows.length > 0) {
    console.log('\n| clients | bare INSERT /s | recorded contributions /s | gifts per commit | ratio |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
    console.log(`\n${commitmentLine}`);
  }
  console.log(`\nledger:verify over ${VERIFY_ENTRIES.toLocaleString('en')} entries: ${verifySeconds.toFixed(1)} s wall clock, including process start (${verifySeconds < 10 ? 'meets' : 'misses'} the 10 s aim).`);
  console.log(`Published in ${publishSeconds.toFixed(1)} s (${published.files.toLocaleString('en')} files, ${(published.bytes / 2 ** 20).toFixed(0)} MiB).`);
  for (const line of verifierLines) console.log(line);
  // --keep leaves the million-entry journal in the scratch database and its published folder, for looking into the verifiers.
  if (!flags.keep) {
    await scratch.drop();
    rmSync(DATA_DIR, { recursive: true, force: true });
  }
  await admin.end();
});
