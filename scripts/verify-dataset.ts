// npm run ledger:verify-dataset <folder or URL> — re-checks a published open dataset without any database.
import { resolve } from 'node:path';
import { datasetDir } from '../src/publish/read';
import { verifyDataset } from '../src/publish/verify-dataset';
import { progress, runCli } from './lib/cli';

await runCli(async () => {
  const args = process.argv.slice(2);
  if (args.length > 1 || args[0]?.startsWith('--')) {
    console.error('Usage: npm run ledger:verify-dataset -- <folder or URL>   (default: the local published folder)');
    return 2;
  }
  const source = args[0] ? (/^https?:\/\//i.test(args[0]) ? args[0] : resolve(args[0])) : datasetDir();
  console.log(`Verifying the open dataset at ${source} ...`);
  const started = Date.now();
  const report = await verifyDataset(source, progress('entries checked'));
  if (!report.ok) {
    const where = report.fault!.entryId === null ? report.fault!.file : `journal entry #${report.fault!.entryId} (${report.fault!.file})`;
    console.error(`FAILED at ${where}: ${report.fault!.reason}`);
    console.error(`Dữ liệu KHÔNG khớp tại ${where}: bản tải về đã bị sửa hoặc hỏng. Tải lại từ trang Dữ liệu mở và kiểm tra lại.`);
    return 1;
  }
  for (const line of report.checked) console.log(`  ✓ ${line}`);
  console.log(`OK: ${report.entries.toLocaleString('en')} entries, head hash ${report.headHash}, checked in ${Date.now() - started} ms.`);
});
