// npm run import:bank -- <statement.csv|.xlsx> [--layout auto|generic] [column flags]
// Imports a bank statement: matched transfers confirm their pledges in the ledger, everything else
// goes to the review queue; then prints the reconciliation against the ledger's bank account.
import { resolve } from 'node:path';
import { parseGeneric, parseStatement, type ColumnMap } from '../src/payments/bank-statement';
import { importStatement, reconcile } from '../src/payments/bank-import';
import { readStatementFile } from '../src/payments/statement-file';
import { formatVnd } from '../src/i18n/format';
import { livePublishIdle, requestLivePublish } from '../src/publish/live-publish';
import { currentBuild, siteLayout } from '../src/publish/site';
import { isEntry, progress, runCommand, UsageError, type Command } from './lib/cli';

const USAGE = `Nhập sao kê ngân hàng / Import a bank statement.
Usage: npm run import:bank -- <statement.csv|statement.xlsx> [flags]
  --layout auto          (default) found from the header: the exports of Vietcombank, VietinBank, BIDV,
                         Agribank and MB (CSV or XLSX, also PDFs converted to a spreadsheet)
  --layout generic       any other bank; these flags name the columns
                         (a header text or a 1-based column number):
      --date-col NAME --memo-col NAME (--amount-col NAME | --credit-col NAME [--debit-col NAME])
      [--ref-col NAME] [--balance-col NAME]
  --closing-balance N    the statement's closing balance when the file does not state it
  --batch N              rows per transaction (default 1000)
  --help                 this text`;

export const command: Command = {
  name: 'import:bank',
  usage: USAGE,
  flags: ['layout', 'date-col', 'memo-col', 'amount-col', 'credit-col', 'debit-col', 'ref-col', 'balance-col', 'closing-balance', 'batch'],
  positionals: 1,
  database: true,
  run: async (ctx, { flags, positionals }) => {
    const file = positionals[0];
    if (!file) throw new UsageError(`Cần tệp sao kê / A statement file is required.\n\n${USAGE}`);
    const layout = flags.layout ?? 'auto';
    if (layout !== 'auto' && layout !== 'generic') throw new UsageError(`--layout must be auto or generic, not "${layout}"`);
    const statementFile = await readStatementFile(resolve(ctx.cwd, file));
    let parsed;
    if (layout === 'generic') {
      if (!flags['date-col'] || !flags['memo-col']) throw new UsageError(`--layout generic needs --date-col and --memo-col.\n${USAGE}`);
      const map: ColumnMap = {
        date: flags['date-col'], memo: flags['memo-col'], amount: flags['amount-col'], credit: flags['credit-col'],
        debit: flags['debit-col'], reference: flags['ref-col'], balance: flags['balance-col'],
      };
      parsed = parseGeneric(statementFile.table, map);
    } else {
      parsed = parseStatement(statementFile.table);
    }
    if (flags['closing-balance']) parsed.closingBalanceVnd = Number(flags['closing-balance']);
    ctx.out(`Statement ${statementFile.name} (${parsed.layout}${parsed.accountNo ? `, account ${parsed.accountNo}` : ''}): ${parsed.rows.length.toLocaleString('en')} transactions, checked.`);

    const handle = ctx.open();
    try {
      await handle.migrate();
      const started = performance.now();
      const report = await importStatement(handle.db, parsed, statementFile, { batchSize: Number(flags.batch ?? 1000), onProgress: progress('rows imported', ctx) });
      const seconds = (performance.now() - started) / 1000;
      if (report.alreadyImported) {
        ctx.out('This statement was already imported: nothing changed.');
      } else {
        ctx.out(`Imported in ${seconds.toFixed(1)} s: ${report.newRows} new rows (${report.rows - report.newRows} already known from another statement).`);
        ctx.out(`  matched and confirmed: ${report.matched} transfers, ${formatVnd(report.matchedVnd)}`);
        ctx.out(`  debits: ${report.debits}, of which matched to approved payments to households: ${report.paymentsMatched}`);
        const reasons = Object.entries(report.review).map(([reason, n]) => `${reason} ${n}`).join(', ');
        ctx.out(`  waiting for staff review: ${Object.values(report.review).reduce((a, b) => a + b, 0)} rows, ${formatVnd(report.reviewVnd)}${reasons ? ` (${reasons})` : ''}`);
        // What the statement confirmed reaches the public site now, as the bank feed's gifts do, when the
        // site folder is the one `npm start` serves (ANCU_SITE_DIR).
        if (currentBuild(siteLayout()) !== null) {
          requestLivePublish(handle.db, siteLayout(), 0);
          await livePublishIdle();
          ctx.out(`  published to the public site in ${siteLayout().root}`);
        }
      }
      const r = await reconcile(handle.db, report.statementId);
      const v = (n: number | null) => (n === null ? 'not stated' : formatVnd(n));
      ctx.out('\nReconciliation / Đối chiếu');
      ctx.out(`  statement opening balance        ${v(r.openingBalanceVnd)}`);
      ctx.out(`  + credits − debits in the file   ${formatVnd(r.creditsVnd)} − ${formatVnd(r.debitsVnd)}`);
      ctx.out(`  statement closing balance        ${v(r.closingBalanceVnd)}${r.selfConsistent === false ? '   ✗ opening + credits − debits does not equal it: rows may be missing' : r.selfConsistent ? '   ✓ adds up' : ''}`);
      ctx.out(`  ledger bank account (cash_bank)  ${formatVnd(r.ledgerBankVnd)}`);
      ctx.out(`  difference (statement − ledger)  ${v(r.differenceVnd)}`);
      ctx.out(`    of which this statement's rows awaiting review (credits − debits): ${formatVnd(r.awaitingReviewVnd)}`);
      if (r.openingBalanceVnd && r.ledgerOpeningVnd === null) {
        ctx.out(`  The statement opens with ${formatVnd(r.openingBalanceVnd)} and the ledger holds no opening balance: if this is the account's
    first month in An Cư, record it once on the staff page Số dư đầu kỳ (/staff/opening-balance).`);
      }
      ctx.out(`  The ledger's cash_bank is the opening balance and every bank-transfer gift ever confirmed minus every payment made from the account.
    The two agree only when the statement covers the account from its first day and every row is in the ledger:
    credits awaiting review, payments out not yet recorded as disbursements, and bank charges or interest all show
    as the difference. (The demo ledger's cash_bank holds the demo campaign's history, which no real statement has.)`);
      return 0;
    } finally {
      await handle.close();
    }
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
