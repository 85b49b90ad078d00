// Writes statements in the export shapes of the five banks (as sheets of cells, then CSV), for tests,
// the benchmark and the demo. The shapes follow what each bank's internet banking exports: the header
// block, the column headings, the way amounts and dates are written, the footer.
export interface FixtureRow {
  date: string;
  reference?: string;
  creditVnd?: number;
  debitVnd?: number;
  memo: string;
}

export type FixtureBank = 'vietcombank' | 'vietinbank' | 'bidv' | 'agribank' | 'mb';

/** A cell as write-excel-file takes it (spans for merged cells); null under a merge or empty. */
export type FixtureCell = { value: string | number; columnSpan?: number; rowSpan?: number } | null;
export type FixtureSheet = FixtureCell[][];

export interface FixtureOptions {
  accountNo?: string;
  openingVnd?: number;
  /** As a PDF statement converted to a spreadsheet: date and document number in one cell, the
   *  header repeated every `pageRows` rows under a page mark, long memos wrapped onto a second line. */
  fromPdf?: { pageRows: number };
}

const commas = (n: number) => n.toLocaleString('en-US');
const dots = (n: number) => n.toLocaleString('en-US').replace(/,/g, '.');
const cell = (value: string | number | undefined): FixtureCell => (value === undefined || value === '' ? null : { value });

interface Shape {
  preamble: (accountNo: string, openingVnd: number) => FixtureSheet;
  header: FixtureSheet;
  /** The cells of one transaction, given the balance after it. */
  row: (row: FixtureRow, i: number, balanceVnd: number) => FixtureCell[];
  /** Where the date, document number and memo are: a converted PDF joins the first two and wraps the memo. */
  dateAt: number;
  refAt: number;
  memoAt: number;
  footer: (debitsVnd: number, creditsVnd: number, closingVnd: number) => FixtureSheet;
}

const text = (...values: (string | number | undefined)[]) => values.map(cell);

const SHAPES: Record<FixtureBank, Shape> = {
  vietcombank: {
    preamble: (accountNo, opening) => [
      text('NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM / JOINT STOCK COMMERCIAL BANK FOR FOREIGN TRADE OF VIETNAM'),
      text('SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT'),
      text('Số tài khoản / Account number:', accountNo),
      text('Số dư đầu kỳ / Opening balance:', commas(opening)),
    ],
    header: [text('STT / No.', 'Ngày giao dịch / Transaction Date', 'Số tham chiếu / Reference No.', 'Số tiền ghi nợ / Debit', 'Số tiền ghi có / Credit', 'Số dư / Balance', 'Nội dung chi tiết / Transactions in detail')],
    row: (r, i, balance) => text(i + 1, r.date, r.reference, r.debitVnd && commas(r.debitVnd), r.creditVnd && commas(r.creditVnd), commas(balance), r.memo),
    dateAt: 1, refAt: 2, memoAt: 6,
    footer: (_d, _c, closing) => [text('Số dư cuối kỳ / Closing balance:', '', '', '', '', commas(closing), '')],
  },
  vietinbank: {
    preamble: (accountNo, opening) => [
      text('NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM'),
      text('LỊCH SỬ GIAO DỊCH TÀI KHOẢN'),
      text(`Số tài khoản: ${accountNo.replace(/(\d{4})(?=\d)/g, '$1 ')}`),
      text('Từ ngày 01/09/2024 đến ngày 30/09/2024'),
      text(`Số dư đầu kỳ: ${dots(opening)} VND`),
    ],
    header: [text('STT', 'Ngày giao dịch', 'Mô tả giao dịch', 'Số tiền ghi nợ', 'Số tiền ghi có', 'Số dư', 'Số giao dịch')],
    row: (r, i, balance) => text(i + 1, /\d:\d/.test(r.date) ? `${r.date}:00` : `${r.date} 08:00:00`, r.memo, r.debitVnd && dots(r.debitVnd), r.creditVnd && dots(r.creditVnd), dots(balance), r.reference),
    dateAt: 1, refAt: 6, memoAt: 2,
    footer: (debits, credits, closing) => [text('Tổng cộng', '', '', dots(debits), dots(credits), '', ''), text(`Số dư cuối kỳ: ${dots(closing)} VND`)],
  },
  bidv: {
    preamble: (accountNo) => [
      text('NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM'),
      text('SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT'),
      text('Số tài khoản/Account No:', `'${accountNo}`),
      text('Loại tiền/Currency:', 'VND'),
    ],
    header: [text('STT', 'Ngày hiệu lực / Effective Date', 'Ngày giao dịch / Transaction Date', 'Số bút toán / Seq. No', 'Ghi nợ / Debit', 'Ghi có / Credit', 'Số dư / Balance', 'Mô tả / Description')],
    row: (r, i, balance) => {
      const day = r.date.slice(0, 10);
      return text(i + 1, day, r.date, r.reference, r.debitVnd && `-${dots(r.debitVnd)}`, r.creditVnd && dots(r.creditVnd), dots(balance), r.memo);
    },
    dateAt: 1, refAt: 3, memoAt: 7,
    footer: (debits, credits) => [text('Tổng phát sinh / Total', '', '', '', `-${dots(debits)}`, dots(credits), '', '')],
  },
  agribank: {
    preamble: (accountNo, opening) => [
      text('NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM'),
      text('Chi nhánh tỉnh Bắc Kạn'),
      text('SAO KÊ TÀI KHOẢN TIỀN GỬI'),
      text('Số tài khoản:', accountNo, '', 'Số dư đầu kỳ:', `${commas(opening)}.00`),
    ],
    // "Phát sinh" is merged over the debit and credit columns; the others span both header rows.
    header: [
      [{ value: 'Ngày GD', rowSpan: 2 }, { value: 'Số chứng từ', rowSpan: 2 }, { value: 'Diễn giải', rowSpan: 2 }, { value: 'Phát sinh', columnSpan: 2 }, null, { value: 'Số dư', rowSpan: 2 }],
      [null, null, null, { value: 'Nợ' }, { value: 'Có' }, null],
    ],
    row: (r, _i, balance) => text(r.date.replace(/\//g, '-'), r.reference, r.memo, r.debitVnd && `${commas(r.debitVnd)}.00`, r.creditVnd && `${commas(r.creditVnd)}.00`, `${commas(balance)}.00`),
    dateAt: 0, refAt: 1, memoAt: 2,
    footer: (debits, credits, closing) => [text('Cộng phát sinh', '', '', `${commas(debits)}.00`, `${commas(credits)}.00`, ''), text('Số dư cuối kỳ', '', '', '', '', `${commas(closing)}.00`), text('Người lập biểu', '', 'Kiểm soát', '', 'Giám đốc')],
  },
  mb: {
    preamble: (accountNo, opening) => [
      text('NGÂN HÀNG TMCP QUÂN ĐỘI (MB)'),
      text('SAO KÊ CHI TIẾT TÀI KHOẢN'),
      text('Số tài khoản', accountNo),
      text('Số dư đầu kỳ', commas(opening)),
    ],
    header: [text('STT', 'Ngày giao dịch', 'Mã giao dịch', 'Số tài khoản đối ứng', 'Tên tài khoản đối ứng', 'Ngân hàng đối ứng', 'Số tiền', 'Số dư', 'Nội dung')],
    row: (r, i, balance) => text(i + 1, r.date, r.reference, '0123456789', 'NGUYEN VAN A', 'VCB', r.creditVnd ? `+${commas(r.creditVnd)}` : `-${commas(r.debitVnd ?? 0)}`, commas(balance), r.memo),
    dateAt: 1, refAt: 2, memoAt: 8,
    footer: (_d, _c, closing) => [text('Số dư cuối kỳ', closing)],
  },
};

// One bank's statement as a sheet: header block, headings, transactions with running balances, footer.
export function bankSheet(bank: FixtureBank, rows: FixtureRow[], options: FixtureOptions = {}): FixtureSheet {
  const shape = SHAPES[bank];
  const opening = options.openingVnd ?? 0;
  const sheet: FixtureSheet = [...shape.preamble(options.accountNo ?? '0011000000000', opening), ...shape.header];
  let balance = opening;
  let debits = 0;
  let credits = 0;
  rows.forEach((row, i) => {
    balance += (row.creditVnd ?? 0) - (row.debitVnd ?? 0);
    debits += row.debitVnd ?? 0;
    credits += row.creditVnd ?? 0;
    const cells = shape.row(row, i, balance);
    const pdf = options.fromPdf;
    if (!pdf) {
      sheet.push(cells);
      return;
    }
    if (i > 0 && i % pdf.pageRows === 0) sheet.push(text(`Trang ${i / pdf.pageRows + 1}`), ...shape.header);
    // The converter keeps the document number in the date cell, below the date.
    if (row.reference) {
      cells[shape.dateAt] = { value: `${cells[shape.dateAt]?.value}\n${row.reference}` };
      cells[shape.refAt] = null;
    }
    const memo = String(cells[shape.memoAt]?.value ?? '');
    const cut = memo.length > 30 ? memo.lastIndexOf(' ', 30) : -1;
    if (cut > 0) cells[shape.memoAt] = { value: memo.slice(0, cut) };
    sheet.push(cells);
    if (cut > 0) sheet.push(cells.map((_, j) => (j === shape.memoAt ? { value: memo.slice(cut + 1) } : null)));
  });
  sheet.push(...shape.footer(debits, credits, balance));
  return sheet;
}

const quoted = (value: string | number) => (typeof value === 'number' || /^[^",\n\r]*$/.test(value) ? String(value) : `"${value.replace(/"/g, '""')}"`);

// A sheet as CSV, with the byte-order mark and CRLF line ends Windows tools write when asked.
export function sheetCsv(sheet: FixtureSheet, options: { bom?: boolean; crlf?: boolean } = {}): string {
  const eol = options.crlf ? '\r\n' : '\n';
  return `${options.bom ? '\uFEFF' : ''}${sheet.map((cells) => cells.map((c) => (c === null ? '' : quoted(c.value))).join(',')).join(eol)}${eol}`;
}

// A cell's value as the bank's XLSX export holds it: with `numbers`, amounts (comma-grouped in the CSV)
// are spreadsheet numbers; everything else is text.
export function xlsxValue(value: string | number, numbers: boolean): string | number {
  return numbers && typeof value === 'string' && /^[+-]?\d{1,3}(,\d{3})+$/.test(value) ? Number(value.replace(/[,+]/g, '')) : String(value);
}

// A sheet as a spreadsheet reader returns it (rows numbered from 1, null under a merge), without the file.
export function sheetTable(sheet: FixtureSheet, options: { numbers?: boolean } = {}): { lineNo: number; cells: (string | number | null)[] }[] {
  return sheet.map((cells, i) => ({ lineNo: i + 1, cells: cells.map((c) => (c === null ? null : xlsxValue(c.value, options.numbers ?? false))) }));
}

// The Vietcombank export as CSV: the layout the demo, the benchmark and most tests use.
export function vietcombankCsv(rows: FixtureRow[], options: { accountNo?: string; openingVnd?: number } = {}): string {
  return sheetCsv(bankSheet('vietcombank', rows, options));
}
