// npm run report -- --from 2025-01-01 --to 2025-06-30 [--out data/reports]
// Writes the six-monthly report as printable HTML, CSV and PDF, and prints the headline figures.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatVnd } from '../src/i18n/format';
import { defaultReportPeriod, sixMonthReport } from '../src/staff/report';
import { reportCsv, reportDocument } from '../src/staff/report-render';
import { todayInVietnam } from '../src/staff/forms';
import { reportPdf } from '../src/staff/report-pdf';
import { isEntry, runCommand, UsageError, type Command } from './lib/cli';

const USAGE = `Báo cáo sáu tháng / The six-monthly report as printable HTML, CSV and PDF.
Usage: npm run report -- [--from yyyy-mm-dd --to yyyy-mm-dd] [--out folder]
  (default period: the last finished half-year with entries; default folder data/reports)`;

export const command: Command = {
  name: 'report',
  usage: USAGE,
  flags: ['from', 'to', 'out'],
  database: true,
  run: async (ctx, { flags }) => {
    if (Boolean(flags.from) !== Boolean(flags.to)) throw new UsageError(`Cần cả --from và --to / give both --from and --to.\n\n${USAGE}`);
    const handle = ctx.open();
    const started = Date.now();
    let report;
    try {
      const period = flags.from && flags.to ? { from: flags.from, to: flags.to } : await defaultReportPeriod(handle.db);
      report = await sixMonthReport(handle.db, period.from, period.to);
    } finally {
      await handle.close();
    }
    const out = resolve(ctx.cwd, flags.out ?? 'data/reports');
    await mkdir(out, { recursive: true });
    const base = join(out, `report-${report.from}-${report.to}`);
    const issuedOn = todayInVietnam();
    await writeFile(`${base}.html`, reportDocument(report, issuedOn));
    await writeFile(`${base}.pdf`, await reportPdf(report, issuedOn));
    await writeFile(`${base}.csv`, `\uFEFF${reportCsv(report)}`);
    const m = report.province.money;
    ctx.out(`Report ${report.from} – ${report.to} (${Date.now() - started} ms):`);
    ctx.out(`  houses handed over in the period: ${report.province.inPeriod.handedOver}; to date: ${report.province.toDate.handedOver} of ${report.campaign.targetHouses}`);
    ctx.out(`  cash donations ${formatVnd(m.cashDonationsVnd)}, state budget ${formatVnd(m.stateBudgetVnd)}, in kind ${formatVnd(m.inKindVnd)}, labour ${m.labourPersonDays} days (estimate ${formatVnd(m.labourEstimateVnd)})`);
    ctx.out(`  allocated from the fund ${formatVnd(m.fundAllocatedVnd)}, paid to households ${formatVnd(m.disbursedVnd)}`);
    ctx.out(`Wrote ${base}.html, ${base}.csv and ${base}.pdf`);
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
