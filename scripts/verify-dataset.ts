// npm run ledger:verify-dataset <folder or URL> — re-checks a published open dataset without any database.
import { resolve } from 'node:path';
import { datasetDir } from '../src/publish/read';
import { verifyDataset } from '../src/publish/verify-dataset';
import { isEntry, progress, runCommand, type Command } from './lib/cli';

export const command: Command = {
  name: 'ledger:verify-dataset',
  usage: `Kiểm tra bộ dữ liệu mở / Re-check a downloaded or online open dataset without any database.
Usage: npm run ledger:verify-dataset -- <folder or URL>   (default: the local published folder)`,
  flags: [],
  positionals: 1,
  database: false,
  run: async (ctx, { positionals }) => {
    const arg = positionals[0];
    const source = arg ? (/^https?:\/\//i.test(arg) ? arg : resolve(ctx.cwd, arg)) : datasetDir();
    ctx.out(`Verifying the open dataset at ${source} ...`);
    const started = Date.now();
    const report = await verifyDataset(source, progress('entries checked', ctx));
    if (!report.ok) {
      const where = report.fault!.entryId === null ? report.fault!.file : `journal entry #${report.fault!.entryId} (${report.fault!.file})`;
      ctx.err(`FAILED at ${where}: ${report.fault!.reason}`);
      ctx.err(`Dữ liệu KHÔNG khớp tại ${where}: bản tải về đã bị sửa hoặc hỏng. Tải lại từ trang Dữ liệu mở và kiểm tra lại.`);
      return 1;
    }
    for (const line of report.checked) ctx.out(`  ✓ ${line}`);
    ctx.out(`OK: ${report.entries.toLocaleString('en')} entries, head hash ${report.headHash}, checked in ${Date.now() - started} ms.`);
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
