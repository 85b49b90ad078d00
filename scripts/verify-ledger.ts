// npm run ledger:verify — recomputes every hash and balance; exits 1 naming the first bad entry.
import { verifyLedger } from '../src/domain/verify';
import { isEntry, progress, runCommand, type Command } from './lib/cli';

export const command: Command = {
  name: 'ledger:verify',
  usage: `Kiểm tra sổ cái / Recompute every hash, every entry's balance and every counter from the journal.
Usage: npm run ledger:verify   (exits 1 naming the first entry that does not check out)`,
  flags: [],
  database: true,
  run: async (ctx) => {
    const handle = ctx.open();
    ctx.out(`Verifying the ledger in the ${handle.driver} database at ${handle.location} ...`);
    const started = Date.now();
    let report;
    try {
      report = await verifyLedger(handle.db, progress('entries checked', ctx));
    } finally {
      await handle.close();
    }
    const elapsedMs = Date.now() - started;
    if (!report.ok) {
      const where = report.fault!.entryId === null ? 'the ledger totals' : `journal entry #${report.fault!.entryId}`;
      ctx.err(`FAILED at ${where}: ${report.fault!.reason}`);
      ctx.err(`Sổ cái KHÔNG khớp tại ${where}. The ledger was changed outside the application: restore from a backup or investigate before publishing.`);
      return 1;
    }
    ctx.out(`OK: ${report.entries.toLocaleString('en')} entries, head hash ${report.headHash}, checked in ${elapsedMs} ms.`);
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
