// Writes statements in the Vietcombank export layout (CSV), for tests, the benchmark and the demo.
export interface FixtureRow {
  date: string;
  reference?: string;
  creditVnd?: number;
  debitVnd?: number;
  memo: string;
}

const grouped = (n: number) => n.toLocaleString('en-US');
const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

// The preamble, the table with running balances and the closing-balance footer, as the bank exports it.
export function vietcombankCsv(rows: FixtureRow[], options: { accountNo?: string; openingVnd?: number } = {}): string {
  const accountNo = options.accountNo ?? '0011000000000';
  let balance = options.openingVnd ?? 0;
  const lines = [
    'NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM / JOINT STOCK COMMERCIAL BANK FOR FOREIGN TRADE OF VIETNAM',
    'SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT',
    `Số tài khoản / Account number:,${accountNo}`,
    `Số dư đầu kỳ / Opening balance:,${quoted(grouped(balance))}`,
    'STT / No.,Ngày giao dịch / Transaction Date,Số tham chiếu / Reference No.,Số tiền ghi nợ / Debit,Số tiền ghi có / Credit,Số dư / Balance,Nội dung chi tiết / Transactions in detail',
  ];
  rows.forEach((row, i) => {
    balance += (row.creditVnd ?? 0) - (row.debitVnd ?? 0);
    lines.push([i + 1, row.date, row.reference ?? '', row.debitVnd ? quoted(grouped(row.debitVnd)) : '', row.creditVnd ? quoted(grouped(row.creditVnd)) : '', quoted(grouped(balance)), quoted(row.memo)].join(','));
  });
  lines.push(`Số dư cuối kỳ / Closing balance:,,,,,${quoted(grouped(balance))},`);
  return `${lines.join('\n')}\n`;
}
