// npm run import:bank -- <statement.csv|.xlsx> [--layout vietcombank|generic] [column flags]
// Imports a bank statement: matched transfers confirm their pledges in the ledger, everything else
// goes to the review queue; then prints the reconciliation against the ledger's bank account.
import { openDatabase } from '../db/client';
import { parseGeneric, parseVietcombank, type ColumnMap } from '../src/payments/bank-statement';
import { importStatement, reconcile } from '../src/payments/bank-import';
import { readStatementFile } from '../src/payments/statement-file';
import { formatVnd } from '../src/i18n/format';
import { parseFlags, progress, runCli } from './lib/cli';

const USAGE = `Usage: npm run import:bank -- <statement.csv|statement.xlsx> [flags]
  --layout vietcombank   (default) the Vietcombank export: header "Ngày giao dịch … Số tiền ghi có … Nội dung chi tiết"
  --layout generic       any bank; the first row is the header and these flags name the columns
                         (a header text or a 1-based column number):
      --date-col NAME --memo-col NAME (--amount-col NAME | --credit-col NAME [--debit-col NAME])
      [--ref-col NAME] [--balance-col NAME]
  --closing-balance N    the statement's closing balance when the file does not state it
  --batch N              rows per transaction (default 1000)`;

await runCli(async () => {
  const [file, ...rest] = process.argv.slice(2);
  if (!file || file.startsWith('--')) {
    console.error(USAGE);
    return 2;
  }
  const flags = parseFlags(rest, ['layout', 'date-col', 'memo-col', 'amount-col', 'credit-col', 'debit-col', 'ref-col', 'balance-col', 'closing-balance', 'batch']);
  const layout = flags.layout ?? 'vietcombank';
  if (layout !== 'vietcombank' && layout !== 'generic') throw new Error(`--layout must be vietcombank or generic, not "${layout}"`);
  const statementFile = await readStatementFile(file);
  let parsed;
  if (layout === 'generic') {
    if (!flags['date-col'] || !flags['memo-col']) throw new Error(`--layout generic needs --date-col and --memo-col.\n${USAGE}`);
    const map: ColumnMap = {
      date: flags['date-col'], memo: flags['memo-col'], amount: flags['amount-col'], credit: flags['credit-col'],
      debit: flags['debit-col'], reference: flags['ref-col'], balance: flags['balance-col'],
    };
    parsed = parseGeneric(statementFile.table, map);
  } else {
    parsed = parseVietcombank(statementFile.table);
  }
  if (flags['closing-balance']) parsed.closingBalanceVnd = Number(flags['closing-balance']);
  console.log(`Statement ${statementFile.name} (${parsed.layout}${parsed.accountNo ? `, account ${parsed.accountNo}` : ''}): ${parsed.rows.length.toLocaleString('en')} transactions, checked.`);

  const handle = openDatabase();
  try {
    await handle.migrate();
    const started = performance.now();
    const report = await importStatement(handle.db, parsed, statementFile, { batchSize: Number(flags.batch ?? 1000), onProgress: progress('rows imported') });
    const seconds = (performance.now() - started) / 1000;
    if (report.alreadyImported) {
      console.log('This statement was already imported: nothing changed.');
    } else {
      console.log(`Imported in ${seconds.toFixed(1)} s: ${report.newRows} new rows (${report.rows - report.newRows} already known from another statement).`);
      console.log(`  matched and confirmed: ${report.matched} transfers, ${formatVnd(report.matchedVnd)}`);
      console.log(`  debits (payments out, recorded by staff as disbursements): ${report.debits}`);
      const reasons = Object.entries(report.review).map(([reason, n]) => `${reason} ${n}`).join(', ');
      console.log(`  waiting for staff review: ${Object.values(report.review).reduce((a, b) => a + b, 0)} rows, ${formatVnd(report.reviewVnd)}${reasons ? ` (${reasons})` : ''}`);
    }
    const r = await reconcile(handle.db, report.statementId);
    const v = (n: number | null) => (n === null ? 'not stated' : formatVnd(n));
    console.log('\nReconciliation / Đối chiếu');
    console.log(`  statement opening balance        ${v(r.openingBalanceVnd)}`);
    console.log(`  + credits − debits in the file   ${formatVnd(r.creditsVnd)} − ${formatVnd(r.debitsVnd)}`);
    console.log(`  statement closing balance        ${v(r.closingBalanceVnd)}${r.selfConsistent === false ? '   ✗ opening + credits − debits does not equal it: rows may be missing' : r.selfConsistent ? '   ✓ adds up' : ''}`);
    console.log(`  ledger bank account (cash_bank)  ${formatVnd(r.ledgerBankVnd)}`);
    console.log(`  difference (statement − ledger)  ${v(r.differenceVnd)}`);
    console.log(`    of which this statement's credits awaiting review: ${formatVnd(r.awaitingReviewVnd)}`);
    console.log(`  The ledger's cash_bank is every bank-transfer gift ever confirmed minus every payment made from the account.
  The two agree only when the statement covers the account from its first day and every row is in the ledger:
  credits awaiting review, payments out not yet recorded as disbursements, and bank charges or interest all show
  as the difference. (The demo ledger's cash_bank holds the demo campaign's history, which no real statement has.)`);
    return 0;
  } finally {
    await handle.close();
  }
});
