// npm run ledger:verify — recomputes every hash and balance; exits 1 naming the first bad entry.
import { openDatabase } from '../db/client';
import { verifyLedger } from '../src/domain/verify';
import { progress, runCli } from './lib/cli';

await runCli(async () => {
  const handle = openDatabase();
  console.log(`Verifying the ledger in the ${handle.driver} database at ${handle.location} ...`);
  const started = Date.now();
  const report = await verifyLedger(handle.db, progress('entries checked'));
  const elapsedMs = Date.now() - started;
  await handle.close();
  if (!report.ok) {
    const where = report.fault!.entryId === null ? 'the ledger totals' : `journal entry #${report.fault!.entryId}`;
    console.error(`FAILED at ${where}: ${report.fault!.reason}`);
    console.error(`Sổ cái KHÔNG khớp tại ${where}. The ledger was changed outside the application: restore from a backup or investigate before publishing.`);
    return 1;
  }
  console.log(`OK: ${report.entries.toLocaleString('en')} entries, head hash ${report.headHash}, checked in ${elapsedMs} ms.`);
});
