// The verifier's command line, shared by `npm run ledger:verify-dataset` and the standalone /du-lieu/verify.mjs
// (this file bundled with its imports into one dependency-free file at publish): one code path for both.
import { z } from 'zod';
import { FILES, type PublicContribution, type Summary } from './format';
import { LOG_FILES } from './tlog/history';
import { splitBundle, entriesPath, TILE_WIDTH } from './tlog/tiles';
import { checkConsistency, checkInclusion, openCheckpoint, parseSaved, readText, trustPolicy, verifyHistory, LogFault } from './tlog/verify-log';
import { toBase64 } from './tlog/sha256';
import { verifyDataset } from './verify-dataset';
import { datasetReader } from './verify-files';

export const USAGE = `Usage: <verifier> <folder or URL> [--key <fund verifier key>] [--witness <key> ... --threshold N]
       [--since <saved checkpoint file, "size root" or root hash> [--quick]] [--entry <id> | --receipt <code>]
  (no mode)   the whole dataset: hash chain, Merkle log, signed checkpoint and its history, totals, every file
  --since     also proves the log extends a checkpoint you kept; with --quick, only that (a few KB)
  --entry/--receipt  only proves one journal entry (or a gift's entry) is in the signed log (a few KB)`;

const flagsSchema = z.object({
  source: z.string().min(1),
  key: z.string().optional(),
  witness: z.array(z.string()).default([]),
  threshold: z.coerce.number().int().nonnegative().default(0),
  since: z.string().optional(),
  quick: z.boolean().default(false),
  entry: z.coerce.number().int().positive().optional(),
  receipt: z.string().regex(/^AC[0-9A-Z]{8}$/i, 'a receipt code looks like AC7K2M9QXP').optional(),
});

export type VerifyFlags = z.infer<typeof flagsSchema>;

/** Parses argv; `readSaved` turns a --since file name into its contents (a string that is not a file is kept). */
export function parseVerifyArgs(argv: string[], readSaved: (value: string) => string): VerifyFlags {
  const raw: Record<string, unknown> = { witness: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (raw.source !== undefined) throw new Error(`unexpected argument "${arg}"`);
      raw.source = arg;
      continue;
    }
    const name = arg.slice(2);
    if (name === 'quick') { raw.quick = true; continue; }
    if (!['key', 'witness', 'threshold', 'since', 'entry', 'receipt'].includes(name)) throw new Error(`unknown flag ${arg}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (name === 'witness') (raw.witness as string[]).push(value);
    else raw[name] = name === 'since' ? readSaved(value) : value;
  }
  const parsed = flagsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'source'}: ${i.message}`).join('; '));
  return parsed.data;
}

// The journal entry of a receipt, found through the static ledger pages (no search service needed).
async function entryOfReceipt(source: string, code: string): Promise<number> {
  const read = datasetReader(source);
  const summary = JSON.parse(await readText(read, FILES.summary)) as Summary;
  for (let page = 1; page <= summary.ledger.pages; page++) {
    const rows = JSON.parse(await readText(read, FILES.ledgerPage(page))) as PublicContribution[];
    const found = rows.find((r) => r.receipt_code.toUpperCase() === code.toUpperCase());
    if (found) {
      if (found.entry_id === null) throw new LogFault(`receipt ${code} has no journal entry yet`);
      return found.entry_id;
    }
  }
  throw new LogFault(`no published gift has the receipt code ${code}`);
}

/** Runs one verification and prints its result; returns the exit code. */
export async function runVerifier(flags: VerifyFlags, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const started = Date.now();
  const read = datasetReader(flags.source);
  try {
    if (flags.entry !== undefined || flags.receipt !== undefined || flags.quick) {
      const named = JSON.parse(await readText(read, FILES.checkpoint)) as { log: { verifier_key: string } };
      const policy = trustPolicy(flags.key ?? named.log.verifier_key, flags.witness, flags.threshold);
      const latest = await openCheckpoint(await readText(read, LOG_FILES.checkpoint), policy);
      out(`  ✓ signed checkpoint: ${latest.size.toLocaleString('en')} entries, root ${toBase64(latest.root)} (${policy.logKey.name}${flags.key ? '' : ', key as named by the dataset: pin it with --key'})`);
      if (flags.entry !== undefined || flags.receipt !== undefined) {
        const id = flags.entry ?? (await entryOfReceipt(flags.source, flags.receipt!));
        const index = id - 1;
        const bundleIndex = Math.floor(index / TILE_WIDTH);
        const width = bundleIndex < Math.floor(latest.size / TILE_WIDTH) ? TILE_WIDTH : latest.size % TILE_WIDTH;
        if (index >= latest.size) throw new LogFault(`entry #${id} is not in the signed log of ${latest.size} entries yet`);
        const entry = splitBundle(await read(entriesPath(bundleIndex, width)))[index % TILE_WIDTH]!;
        const result = await checkInclusion(read, latest, index, entry);
        if (!result.ok) throw new LogFault(`entry #${id} is NOT in the signed log`);
        out(`  ✓ entry #${id} is in the signed log (proof of ${result.proof.length} hashes, ${result.proof.length * 32} bytes)`);
        out(`    ${new TextDecoder().decode(entry)}`);
      }
      if (flags.since) {
        const history = flags.since.includes('\n') ? [] : await verifyHistory(read, await readText(read, LOG_FILES.history), latest, { ...policy, threshold: 0 });
        const saved = await parseSaved(flags.since, policy, history);
        if (!(await checkConsistency(read, saved, latest)).ok) throw new LogFault(`your saved checkpoint (${saved.size} entries, root ${toBase64(saved.root)}) is NOT a prefix of today's log: the journal was rewritten`);
        out(`  ✓ today's log extends your saved checkpoint of ${saved.size.toLocaleString('en')} entries`);
      }
      out(`OK in ${Date.now() - started} ms.`);
      return 0;
    }
    const report = await verifyDataset(flags.source, { key: flags.key, witnesses: flags.witness, threshold: flags.threshold, since: flags.since });
    if (!report.ok) {
      const where = report.fault!.entryId === null ? report.fault!.file : `journal entry #${report.fault!.entryId} (${report.fault!.file})`;
      err(`FAILED at ${where}: ${report.fault!.reason}`);
      err(`Dữ liệu KHÔNG khớp tại ${where}: bản tải về đã bị sửa hoặc hỏng. Tải lại từ trang Dữ liệu mở và kiểm tra lại.`);
      return 1;
    }
    for (const line of report.checked) out(`  ✓ ${line}`);
    out(`OK: ${report.entries.toLocaleString('en')} entries, head hash ${report.headHash}, checked in ${Date.now() - started} ms.`);
    return 0;
  } catch (error) {
    err(`FAILED: ${(error as Error).message}`);
    err('Kiểm tra KHÔNG đạt: xem lý do ở dòng trên.');
    return 1;
  }
}
