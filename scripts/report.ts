// npm run report -- --from 2025-01-01 --to 2025-06-30 [--out data/reports]
// Writes the six-monthly report as printable HTML and as CSV, and prints the headline figures.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client';
import { formatVnd } from '../src/i18n/format';
import { sixMonthReport } from '../src/staff/report';
import { reportCsv, reportDocument } from '../src/staff/report-render';
import { parseFlags, runCli } from './lib/cli';

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ['from', 'to', 'out']);
  if (!flags.from || !flags.to) throw new Error('Usage: npm run report -- --from yyyy-mm-dd --to yyyy-mm-dd [--out folder]');
  const handle = openDatabase();
  const started = Date.now();
  const report = await sixMonthReport(handle.db, flags.from, flags.to);
  await handle.close();
  const out = resolve(flags.out ?? 'data/reports');
  await mkdir(out, { recursive: true });
  const base = join(out, `report-${flags.from}-${flags.to}`);
  await writeFile(`${base}.html`, reportDocument(report));
  await writeFile(`${base}.csv`, `\uFEFF${reportCsv(report)}`);
  const m = report.province.money;
  console.log(`Report ${flags.from} – ${flags.to} (${Date.now() - started} ms):`);
  console.log(`  houses handed over in the period: ${report.province.inPeriod.handedOver}; to date: ${report.province.toDate.handedOver} of ${report.campaign.targetHouses}`);
  console.log(`  cash donations ${formatVnd(m.cashDonationsVnd)}, state budget ${formatVnd(m.stateBudgetVnd)}, in kind ${formatVnd(m.inKindVnd)}, labour ${m.labourPersonDays} days (estimate ${formatVnd(m.labourEstimateVnd)})`);
  console.log(`  allocated from the fund ${formatVnd(m.fundAllocatedVnd)}, paid to households ${formatVnd(m.disbursedVnd)}`);
  console.log(`Wrote ${base}.html and ${base}.csv`);
});
