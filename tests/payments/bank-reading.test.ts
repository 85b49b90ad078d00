// The tolerant reading of bank statements, case by case: every heading wording the banks use, the
// header block's labels, balance and footer lines, wrapped memos, dates, signs and groupings of
// amounts, merged two-row headings; and the refusals that keep a broken row out of the books.
import { describe, expect, it } from 'vitest';
import { parseGeneric, parseStatement, receiptCodesIn, rowKeys, type Cell, type TableRow } from '../../src/payments/bank-statement';
import { bankNamed, hasPhrase, headingField, LABELS, normalise, type BankId, type Field } from '../../src/payments/bank-layouts';
import { refusalOf } from '../refusal';

const table = (rows: Cell[][]): TableRow[] => rows.map((cells, i) => ({ lineNo: i + 1, cells }));

// Date, reference, debit, credit, balance, memo: the columns of most tests below.
const HEADER: Cell[] = ['Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi nợ', 'Số tiền ghi có', 'Số dư', 'Nội dung'];
const CREDIT: Cell[] = ['01/09/2024', 'FT1', '', '500.000', '40.500.000', 'ung ho AC7K2M9QXP'];
const DEBIT: Cell[] = ['02/09/2024', 'FT2', '30.000', '', '40.470.000', 'phi'];

// A statement of the two rows above, with what comes before the header and after the rows.
const read = (before: Cell[][], rows: Cell[][] = [CREDIT, DEBIT], after: Cell[][] = []) => parseStatement(table([...before, HEADER, ...rows, ...after]));
// Vietnam's local time as an instant.
const vn = (y: number, m: number, d: number, hh = 0, mm = 0, ss = 0) => new Date(Date.UTC(y, m - 1, d, hh - 7, mm, ss));

describe('column headings, as each bank words them', () => {
  const wordings: [string, Field | null][] = [
    ['Ngày', 'date'], ['Date', 'date'],
    ['Số tham chiếu', 'reference'], ['Số CT', 'reference'], ['Số chứng từ', 'reference'], ['Số bút toán', 'reference'],
    ['Mã giao dịch', 'reference'], ['Mã GD', 'reference'], ['Số giao dịch', 'reference'], ['Số GD', 'reference'],
    ['Reference', 'reference'], ['Ref No.', 'reference'], ['Doc No', 'reference'], ['Transaction No.', 'reference'],
    ['Seq. No', 'reference'], ['Trace No', 'reference'],
    ['Số tiền ghi nợ', 'debit'], ['Ghi nợ', 'debit'], ['Phát sinh nợ', 'debit'], ['Số tiền phát sinh nợ', 'debit'],
    ['Số tiền nợ', 'debit'], ['Tiền ra', 'debit'], ['Số tiền ra', 'debit'], ['Nợ', 'debit'], ['Debit', 'debit'], ['Withdrawal', 'debit'],
    ['Số tiền ghi có', 'credit'], ['Ghi có', 'credit'], ['Phát sinh có', 'credit'], ['Số tiền phát sinh có', 'credit'],
    ['Số tiền có', 'credit'], ['Tiền vào', 'credit'], ['Số tiền vào', 'credit'], ['Có', 'credit'], ['Credit', 'credit'], ['Deposit', 'credit'],
    ['Số tiền', 'amount'], ['Amount', 'amount'], ['Số dư', 'balance'], ['Balance', 'balance'],
    ['Nội dung chi tiết / Transactions in detail', 'memo'], ['Transactions in detail', 'memo'], ['Nội dung giao dịch', 'memo'],
    ['Nội dung', 'memo'], ['Mô tả giao dịch', 'memo'], ['Mô tả', 'memo'], ['Diễn giải', 'memo'], ['Transaction details', 'memo'],
    ['Description', 'memo'], ['Details', 'memo'], ['Narrative', 'memo'], ['Remark', 'memo'],
    ['STT / No.', 'ignore'], ['Số thứ tự / No.', 'ignore'], ['Số tài khoản đối ứng', 'ignore'], ['Tên tài khoản đối ứng', 'ignore'],
    ['Ngân hàng đối ứng', 'ignore'], ['Đối ứng', 'ignore'], ['Counter Account No.', 'ignore'], ['Beneficiary account no', 'ignore'],
    ['Chi nhánh', null], ['', null],
  ];
  it.each(wordings)('"%s" names the %s column', (heading, field) => {
    expect(headingField(heading)).toBe(field);
  });

  // A converted PDF heads the date and the document number with one cell ("Ngày GD / Số CT"): it is the date column.
  const combined = ['Ngày giao dịch / Số chứng từ', 'Ngày GD / Số CT', 'Ngày hạch toán / Số bút toán', 'Ngày hiệu lực / Số CT',
    'Transaction Date / Transaction No.', 'TNX Date / Doc No', 'Txn Date / Ref No', 'Posting Date / Doc No', 'Effective Date / Reference',
    'Value Date / Ref No', 'Ngày / Effective Date / Số bút toán', 'Ngày GD/ TNX Date/ Số CT/ Doc No'];
  it.each(combined)('"%s" heads the date column, its document number read from the date cell', (heading) => {
    expect(headingField(heading)).toBe('date');
    const parsed = parseStatement(table([[heading, 'Số tiền ghi có / Credit', 'Nội dung chi tiết / Transactions in detail'], ['01/09/2024\n5213.72834', '500.000', 'ung ho']]));
    expect(parsed.rows[0]).toMatchObject({ reference: '5213.72834', creditVnd: 500_000, bookedAt: vn(2024, 9, 1) });
  });

  it('takes the longest phrase a heading holds, whichever language comes first', () => {
    expect(hasPhrase('Số dư đầu kỳ / Opening balance', LABELS.opening)).toBe('opening balance');
    expect(hasPhrase('Ủng hộ nội dung', ['no'])).toBeUndefined();
    expect(normalise(null)).toBe('');
    expect(normalise('  ĐẦU TƯ – Phát triển  ')).toBe('dau tu phat trien');
  });

  it('reads an English-only export whose counterparty column ends in "No." before the debit column', () => {
    const parsed = parseStatement(table([
      ['Transaction Date', 'Counter Account No.', 'Beneficiary account no', 'Debit', 'Credit', 'Description'],
      ['01/09/2024', '0123456789', '9876543210', '30,000', '', 'fee'],
    ]));
    expect(parsed.rows[0]).toMatchObject({ debitVnd: 30_000, creditVnd: 0, memo: 'fee' });
  });

  it('uses the first column of a field named twice, wherever it stands', () => {
    const parsed = parseStatement(table([
      ['Ngày giao dịch', 'Ngày hiệu lực', 'Số tiền ghi có', 'Nội dung', 'Diễn giải'],
      ['01/09/2024', '03/09/2024', '500.000', 'ung ho', 'IBFT'],
    ]));
    expect(parsed.rows[0]).toMatchObject({ bookedAt: vn(2024, 9, 1), memo: 'ung ho' });
  });
});

describe('the bank named in the header block', () => {
  const names: [string, BankId | null][] = [
    ['Vietcombank', 'vietcombank'], ['NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM', 'vietcombank'], ['Joint Stock Commercial Bank for Foreign Trade of Vietnam', 'vietcombank'],
    ['VietinBank', 'vietinbank'], ['Ngân hàng TMCP Công Thương Việt Nam', 'vietinbank'], ['Vietnam Joint Stock Commercial Bank for Industry and Trade', 'vietinbank'],
    ['BIDV', 'bidv'], ['NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM', 'bidv'], ['Joint Stock Commercial Bank for Investment and Development of Vietnam', 'bidv'],
    ['Agribank', 'agribank'], ['Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam', 'agribank'], ['Vietnam Bank for Agriculture and Rural Development', 'agribank'],
    ['MBBank', 'mb'], ['MB Bank', 'mb'], ['Ngân hàng TMCP Quân đội', 'mb'], ['Military Commercial Joint Stock Bank', 'mb'],
    ['Ngân hàng TMCP Á Châu', null],
  ];
  it.each(names)('"%s" is %s', (name, bank) => {
    expect(bankNamed(['SAO KÊ TÀI KHOẢN', name])).toBe(bank);
    expect(read([[name]]).layout).toBe(bank ?? 'generic');
  });

  it('reads a name split over two cells, and never a name below the header', () => {
    expect(bankNamed(['NGÂN HÀNG TMCP ĐẦU TƯ', 'VÀ PHÁT TRIỂN VIỆT NAM'])).toBe('bidv');
    expect(read([], [[...CREDIT.slice(0, 5), 'CT tu Vietcombank']]).layout).toBe('generic');
  });
});

describe('the header block: account and balances', () => {
  const labels = ['Số tài khoản: ', 'Tài khoản số: ', 'Số TK: ', 'Account Number: ', 'Account No.: '];
  it.each(labels)('reads the account after "%s"', (label) => {
    expect(read([[`${label}0011000000000`]]).accountNo).toBe('0011000000000');
  });

  it('reads the account however it is grouped, in its own cell or after the label; skips what is not an account', () => {
    const account = (...cells: Cell[]) => read([cells]).accountNo;
    expect(account('Số tài khoản/Account No:', "'0011000000000")).toBe('0011000000000');
    expect(account('Số tài khoản: 0011 0000 0000 0')).toBe('0011000000000');
    expect(account('Số tài khoản:', '', '0011-000-000000')).toBe('0011000000000');
    expect(account('Số tài khoản: 0011.000.000.000')).toBe('0011000000000');
    expect(account('Số TK: 12345')).toBeNull();
    expect(account('Số tài khoản:', 'Quỹ cứu trợ 2024')).toBeNull();
    expect(read([['Số tài khoản:', 'Quỹ cứu trợ'], ['Account No: 0011000000000'], ['Số tài khoản cũ: 9999888877776']]).accountNo).toBe('0011000000000');
  });

  const openings = ['Số dư đầu kỳ', 'Số dư đầu ngày', 'Opening balance', 'Beginning balance'];
  const closings = ['Số dư cuối kỳ', 'Số dư cuối ngày', 'Closing balance', 'Ending balance'];
  // Without a running balance column, the closing balance is only what the statement states.
  const noBalance = (before: Cell[][], after: Cell[][] = []) => parseStatement(table([
    ...before, ['Ngày', 'Ghi có', 'Ghi nợ', 'Diễn giải'], ['01/09/2024', '500.000', '', 'ung ho'], ...after,
  ]));
  it.each(openings)('reads the opening balance after "%s"', (label) => {
    expect(noBalance([[`${label}: 40.000.000`]]).openingBalanceVnd).toBe(40_000_000);
  });
  it.each(closings)('reads the closing balance after "%s", above the table or below it', (label) => {
    expect(noBalance([[`${label}: 40.500.000`]]).closingBalanceVnd).toBe(40_500_000);
    expect(noBalance([], [[label, '', '', '40,500,000']]).closingBalanceVnd).toBe(40_500_000);
  });

  it('reads a balance written inline, in the next filled cell, ungrouped, without a space, or with its currency', () => {
    const opening = (...cells: Cell[]) => noBalance([cells]).openingBalanceVnd;
    expect(opening('Số dư đầu kỳ:40.000.000')).toBe(40_000_000);
    expect(opening('Số dư đầu kỳ: 40000000')).toBe(40_000_000);
    expect(opening('Số dư đầu kỳ: 40.000.000 VND')).toBe(40_000_000);
    expect(opening('Số dư đầu kỳ (VND):', '', '40.000.000')).toBe(40_000_000);
    expect(opening('Số tài khoản:', '0011000000000', '', 'Số dư đầu kỳ:', '40,000,000.00')).toBe(40_000_000);
    expect(opening('Số dư đầu kỳ: -1.500.000')).toBe(-1_500_000);
    // A spreadsheet date beside the label is no amount: the balance is unknown, not zero.
    expect(opening('Số dư đầu kỳ', new Date(Date.UTC(2024, 8, 1)))).toBeNull();
    expect(opening('Số dư đầu kỳ')).toBeNull();
    // The first stated balance counts.
    expect(noBalance([['Số dư đầu kỳ: 40.000.000'], ['Opening balance: 1']]).openingBalanceVnd).toBe(40_000_000);
  });

  it('refuses a stated balance that is not an amount, naming its line', () => {
    expect(refusalOf(() => noBalance([['x'], ['Số dư đầu kỳ: 40.000,50']])).messageEn).toMatch(/^Line 2: Balance "40\.000,50" must be whole đồng/);
  });
});

describe('balance, footer and page lines among the transactions', () => {
  it('takes balance lines, dated or not, with the label as the memo after the balance, as balances, not transactions', () => {
    const parsed = read([], [['01/09/2024', '', '', '', '40.000.000', 'Số dư đầu kỳ'], CREDIT, DEBIT, ['', '', '', '', '41.000.000', 'Số dư cuối kỳ']]);
    expect(parsed).toMatchObject({ openingBalanceVnd: 40_000_000, closingBalanceVnd: 41_000_000 });
    expect(parsed.rows.map((r) => r.reference)).toEqual(['FT1', 'FT2']);
  });

  it('reads a closing balance written in a money column, and both balances from one line', () => {
    const parsed = parseStatement(table([
      ['Ngày', 'Ghi nợ', 'Ghi có', 'Diễn giải'],
      ['01/09/2024', '', '500.000', 'ung ho'],
      ['Số dư cuối kỳ', '', '40.500.000', ''],
    ]));
    expect(parsed.closingBalanceVnd).toBe(40_500_000);
    expect(read([], [CREDIT, DEBIT], [['Số dư đầu kỳ: 40.000.000', 'Số dư cuối kỳ: 40.470.000']])).toMatchObject({ openingBalanceVnd: 40_000_000, closingBalanceVnd: 40_470_000 });
  });

  // Each line has something in a money column, as a PDF converted to a spreadsheet spills totals and signatures there.
  const footers: Cell[][] = [
    ['Tổng cộng', '', '30.000', '500.000', '', ''], ['Tổng', '', '30.000', '500.000', '', ''], ['Cộng phát sinh', '', '30.000', '500.000', '', ''],
    ['Total', '', '30,000', '500,000', '', ''], ['Số dư khả dụng', '', '', '40.470.000', '', ''], ['Trang 1/2', '', '30.000', '500.000', '', ''],
    ['Page 1 of 2', '', '30,000', '500,000', '', ''], ['Người lập biểu', '', '', '(ký, ghi rõ họ tên)', '', ''],
    ['Kế toán trưởng', '', '', '(ký, ghi rõ họ tên)', '', ''], ['Kiểm soát viên', '', '', '(ký)', '', ''], ['Giám đốc', '', '', '(ký, đóng dấu)', '', ''],
    ['Prepared by', '', '', '(signature)', '', ''], ['', 'Tổng cộng', '30.000', '500.000', '', ''],
  ];
  it.each(footers)('skips the line starting "%s"', (...footer) => {
    const parsed = read([], [CREDIT, DEBIT], [footer]);
    expect(parsed.rows.map((r) => [r.creditVnd, r.debitVnd])).toEqual([[500_000, 0], [0, 30_000]]);
  });

  it('skips a page header repeated between transactions, and a note under the header before any transaction', () => {
    const parsed = read([], [['', '', '', '', '', 'Giao dịch trong kỳ'], CREDIT, ['Trang 2'], HEADER, DEBIT]);
    expect(parsed.rows.map((r) => [r.reference, r.memo])).toEqual([['FT1', 'ung ho AC7K2M9QXP'], ['FT2', 'phi']]);
  });

  it('refuses a line with money and no date, even when its memo starts like a total or it holds one heading word', () => {
    expect(refusalOf(() => read([], [CREDIT, ['', '', '', '500.000', '', 'Tổng tiền ủng hộ']])).messageEn)
      .toMatch(/^Line 3: The line has an amount but no readable date \(""\)/);
    expect(refusalOf(() => read([], [CREDIT, ['Ngày 02/09', '', '', '500.000', '', 'Nội dung']])).message)
      .toMatch(/^Dòng 3: Dòng có số tiền nhưng không có ngày đọc được \("Ngày 02\/09"\)/);
  });

  it('refuses a lone amount without a date, and a dateless memo line carrying money, rather than dropping the money', () => {
    expect(refusalOf(() => read([], [CREDIT, ['', '', '', '200.000', '', '']])).messageEn).toMatch(/^Line 3: The line has an amount but no readable date/);
    const memoFirst = [['Ngày', 'Diễn giải', 'Ghi có'], ['01/09/2024', 'ung ho', '500.000'], ['', 'nha BK-00012', '200.000']];
    expect(refusalOf(() => parseStatement(table(memoFirst))).messageEn).toMatch(/^Line 3: The line has an amount but no readable date/);
  });

  it('refuses a line with money and no date under a merged two-row heading (its blank cells are no headings)', () => {
    const rows = [['Ngày GD', 'Số chứng từ', 'Diễn giải', 'Phát sinh', '', 'Số dư'], ['', '', '', 'Nợ', 'Có', ''], ['01/09/2024', 'FT1', 'ung ho', '', '500.000', '40.500.000'],
      ['', 'FT2', 'ung ho', '', '200.000', '']];
    expect(refusalOf(() => parseStatement(table(rows))).messageEn).toMatch(/^Line 4: The line has an amount but no readable date/);
  });

  it('refuses a statement without a transaction', () => {
    const error = refusalOf(() => read([['Vietcombank']], [], [['Tổng cộng', '', '0', '0']]));
    expect([error.message, error.messageEn]).toEqual([
      'Sao kê không có giao dịch nào. Không có gì được nhập; hãy sửa tệp rồi nhập lại.',
      'The statement has no transactions. Nothing was imported; fix the file and import it again.',
    ]);
  });
});

describe('memos wrapped onto the next line', () => {
  it('joins every continuation to its transaction', () => {
    const parsed = read([], [CREDIT, ['', '', '', '', '', 'nha BK-00012'], ['', '', '', '', '', 'xa Bang Thanh'], DEBIT]);
    expect(parsed.rows.map((r) => r.memo)).toEqual(['ung ho AC7K2M9QXP nha BK-00012 xa Bang Thanh', 'phi']);
  });

  it('joins a memo written wholly on the next line, and a continuation that mentions a balance without an amount', () => {
    const parsed = read([], [[...CREDIT.slice(0, 5), ''], ['', '', '', '', '', 'ung ho'], DEBIT, ['', '', '', '', '', 'chuyen so du cuoi ky']]);
    expect(parsed.rows.map((r) => r.memo)).toEqual(['ung ho', 'phi chuyen so du cuoi ky']);
    expect(parsed.closingBalanceVnd).toBe(40_470_000);
  });

  it('reads a memo of several lines in one cell as one line, and a transaction whose memo names a balance as a transaction', () => {
    const parsed = read([], [[...CREDIT.slice(0, 5), 'ung ho\nnha   BK-00012'], [...DEBIT.slice(0, 5), 'Chuyen so du cuoi ky: TK 0011000000000']]);
    expect(parsed.rows.map((r) => r.memo)).toEqual(['ung ho nha BK-00012', 'Chuyen so du cuoi ky: TK 0011000000000']);
  });
});

describe('dates as banks write them', () => {
  const booked = (date: Cell) => read([], [[date, ...CREDIT.slice(1)]]).rows[0]!;
  const same: [string, Date][] = [
    ['01/09/2024', vn(2024, 9, 1)], ['1/9/2024', vn(2024, 9, 1)], ['01-09-2024', vn(2024, 9, 1)], ['01.09.2024', vn(2024, 9, 1)],
    ['2024-09-01', vn(2024, 9, 1)], ['2024/09/01', vn(2024, 9, 1)], ['01/09/24', vn(2024, 9, 1)], ['01/09/2024 14:05', vn(2024, 9, 1, 14, 5)],
    ['01/09/2024 7:05', vn(2024, 9, 1, 7, 5)], ['01/09/2024 14:05:09', vn(2024, 9, 1, 14, 5, 9)], ['2024-09-01T14:05:09', vn(2024, 9, 1, 14, 5, 9)],
    ['31/12/2024 23:59:59', vn(2024, 12, 31, 23, 59, 59)], ['29/02/2024', vn(2024, 2, 29)],
  ];
  it.each(same)('reads "%s" in Vietnam time', (date, at) => {
    expect(booked(date).bookedAt).toEqual(at);
  });

  it('reads a spreadsheet date cell as Vietnam time', () => {
    expect(booked(new Date(Date.UTC(2024, 8, 1, 14, 5, 9))).bookedAt).toEqual(vn(2024, 9, 1, 14, 5, 9));
    expect(refusalOf(() => booked(new Date(Number.NaN))).messageEn).toMatch(/^Line 2: The line has an amount but no readable date/);
  });

  it('reads a document number after the date, on the same line or the next ones', () => {
    const reference = (date: string) => read([], [[date, '', ...CREDIT.slice(2)]]).rows[0]!.reference;
    expect(reference('01/09/2024 5213.1')).toBe('5213.1');
    expect(reference('01/09/2024\n5213.1')).toBe('5213.1');
    expect(reference('01/09/2024 14:05\n  FT2424500001\n  IBFT')).toBe('FT2424500001 IBFT');
    expect(reference('01/09/2024')).toBeNull();
  });

  const invalid = ['31/02/2024', '29/02/2023', '01/13/2024', '01/00/2024', '00/09/2024', '2024-02-30', '01/09/2024 24:00', '01/09/2024 23:60',
    '01/09/2024 23:59:60', '01/09/124', '123/09/2024', '01/09/0024'];
  it.each(invalid)('refuses "%s", a day or time that does not exist', (date) => {
    expect(refusalOf(() => booked(date)).messageEn).toBe(`Line 2: The date "${date}" is not valid (dd/mm/yyyy expected). Nothing was imported; fix the file and import it again.`);
  });

  it.each(['01/09/2024x', 'Ngày 01/09/2024', '01/09'])('refuses money beside "%s", which is no date', (date) => {
    expect(refusalOf(() => booked(date)).messageEn).toContain(`no readable date ("${date}")`);
  });
});

describe('amounts as banks write them', () => {
  const HEAD: Cell[] = ['Ngày', 'Số tiền ghi nợ', 'Số tiền ghi có', 'Số tiền', 'Diễn giải'];
  const credit = (value: Cell) => parseStatement(table([['Ngày', 'Ghi nợ', 'Ghi có', 'Diễn giải'], ['01/09/2024', '', value, 'x']])).rows[0]!;
  const debit = (value: Cell) => parseStatement(table([['Ngày', 'Ghi nợ', 'Ghi có', 'Diễn giải'], ['01/09/2024', value, '', 'x']])).rows[0]!;
  const signed = (value: Cell) => parseStatement(table([['Ngày', 'Số tiền', 'Số dư', 'Diễn giải'], ['01/09/2024', value, value, 'x']])).rows[0]!;

  it('reads a debit written with a sign or in brackets as money out', () => {
    for (const written of ['30.000', '-30.000', '−30.000', '(30.000)', '30,000.00', 30_000, -30_000]) {
      expect(debit(written)).toMatchObject({ debitVnd: 30_000, creditVnd: 0 });
    }
  });

  it('reads a signed amount column: "+" or nothing is money in, "-", "−" or brackets money out; the balance keeps its sign', () => {
    expect(signed('+500,000')).toMatchObject({ creditVnd: 500_000, debitVnd: 0, balanceVnd: 500_000 });
    expect(signed('500.000')).toMatchObject({ creditVnd: 500_000, debitVnd: 0 });
    expect(signed(500_000)).toMatchObject({ creditVnd: 500_000, debitVnd: 0 });
    for (const written of ['-500.000', '−500.000', '(500.000)', -500_000]) {
      expect(signed(written)).toMatchObject({ creditVnd: 0, debitVnd: 500_000, balanceVnd: -500_000 });
    }
  });

  it('reads a zero in the other column, as banks fill both', () => {
    expect(parseStatement(table([HEAD, ['01/09/2024', '30.000', '0', '', 'phi']])).rows[0]).toMatchObject({ debitVnd: 30_000, creditVnd: 0 });
    expect(parseStatement(table([HEAD, ['01/09/2024', '0', '500.000', '', 'ung ho']])).rows[0]).toMatchObject({ debitVnd: 0, creditVnd: 500_000 });
  });

  it('refuses a negative credit, a fraction, a number too large, and a transaction of zero, naming the amount', () => {
    const en = (value: Cell) => refusalOf(() => credit(value)).messageEn;
    expect(en('-500.000')).toMatch(/^Line 2: Credit "-500\.000" cannot be negative\. Nothing/);
    expect(en(-500_000)).toMatch(/^Line 2: Credit "-500000" cannot be negative\. Nothing/);
    expect(refusalOf(() => credit(-500_000)).message).toMatch(/^Dòng 2: Ghi có "-500000" không được âm\. Không có gì/);
    expect(en(1_500_000.5)).toMatch(/^Line 2: Credit "1500000\.5" must be whole đồng\. Nothing/);
    expect(refusalOf(() => credit(1_500_000.5)).message).toMatch(/^Dòng 2: Ghi có "1500000\.5" phải là số đồng nguyên\. Không/);
    expect(en('99.999.999.999.999.999')).toMatch(/^Line 2: Credit "99\.999\.999\.999\.999\.999" is too large\. Nothing/);
    expect(en('0')).toMatch(/^Line 2: Each transaction must be a credit or a debit, and not zero\./);
    expect(refusalOf(() => debit('1.000,5')).messageEn).toMatch(/^Line 2: Debit "1\.000,5" must be whole đồng, without a fraction\./);
    expect(refusalOf(() => signed('abc')).message).toMatch(/^Dòng 2: Số tiền "abc" không phải là số\./);
  });

  it('refuses a line that is both a credit and a debit', () => {
    expect(refusalOf(() => parseStatement(table([HEAD, ['01/09/2024', '30.000', '500.000', '', 'x']]))).messageEn)
      .toMatch(/^Line 2: Each transaction must be a credit or a debit/);
  });
});

describe('cells as exports write them', () => {
  it('trims padded cells and reads a row whose trailing empty cells were dropped or added', () => {
    const parsed = read([], [['  01/09/2024 ', ' FT1 ', '', ' 500.000 ', '', '  ung   ho  '], ['02/09/2024', 'FT2', '30.000'], [...DEBIT, '', '']]);
    expect(parsed.rows.map((r) => [r.reference, r.memo, r.balanceVnd, r.debitVnd])).toEqual([['FT1', 'ung ho', null, 0], ['FT2', '', null, 30_000], ['FT2', 'phi', 40_470_000, 30_000]]);
  });

  it('refuses a line with text past the last heading (columns shifted), even after an empty extra cell', () => {
    expect(refusalOf(() => read([], [CREDIT, [...DEBIT, '', 'x']])).messageEn).toMatch(/^Line 3: The line has more cells than the header \(6 columns\)/);
  });
});

describe('merged two-row headings', () => {
  it('reads a heading whose lower row is longer than the upper (trailing merged cells left empty)', () => {
    const parsed = parseStatement(table([
      ['Ngày GD', 'Số chứng từ', 'Diễn giải', 'Số dư', 'Phát sinh'],
      ['', '', '', '', 'Nợ', 'Có'],
      ['01/09/2024', 'FT1', 'ung ho', '40.500.000', '', '500.000'],
    ]));
    expect(parsed.rows[0]).toMatchObject({ reference: 'FT1', creditVnd: 500_000, debitVnd: 0, balanceVnd: 40_500_000 });
  });

  it('carries the merged word over its columns: "Nợ | Có" under "Số dư" are balances, under "Số phát sinh" money moved', () => {
    const parsed = parseStatement(table([
      ['Ngày GD', 'Số CT', 'Diễn giải', 'Số dư', '', 'Số phát sinh', ''],
      ['', '', '', 'Nợ', 'Có', 'Nợ', 'Có'],
      ['01/09/2024', 'FT1', 'ung ho', '40.500.000', '', '', '500.000'],
    ]));
    expect(parsed.rows[0]).toMatchObject({ creditVnd: 500_000, debitVnd: 0, balanceVnd: 40_500_000 });
  });
});

describe('the closing balance when none is stated', () => {
  it('is the balance after the latest transaction, whichever order the statement lists them in', () => {
    expect(read([], [DEBIT, CREDIT]).closingBalanceVnd).toBe(40_470_000);
    // Same day, no time: the later line is the later transaction.
    expect(read([], [CREDIT, [...DEBIT.slice(0, 4), '40.470.000', 'phi'], ['01/09/2024', 'FT3', '', '1.000', '40.501.000', 'x']].map((r, i) => (i === 1 ? ['01/09/2024', ...r.slice(1)] : r))).closingBalanceVnd)
      .toBe(40_501_000);
  });
});

describe('refusals name the statement or the line', () => {
  it('says where and why, with a stable code', () => {
    const none = refusalOf(() => parseStatement(table([['a', 'b'], ['1', '2']])));
    expect(none).toMatchObject({ status: 400, code: 'statement_malformed', details: { lineNo: null } });
    expect(none.message).toMatch(/^Không thấy dòng tiêu đề của sao kê/);
    expect(none.messageEn).toMatch(/^No statement header row found/);
    const line = refusalOf(() => read([], [CREDIT, ['31/02/2024', ...CREDIT.slice(1)]]));
    expect(line).toMatchObject({ status: 400, code: 'statement_malformed', details: { lineNo: 3 } });
  });
});

describe('row keys', () => {
  it('are stable across releases: a re-imported statement must find the keys it stored', () => {
    const parsed = read([['Số tài khoản: 0011000000000']], [['01/09/2024 14:05', '', '', '500.000', '40.500.000', 'ung ho']]);
    expect(rowKeys(parsed)).toEqual(['h:0011000000000:ad3b6604755eb69450f81aa8a613aa91:1']);
  });

  it('tell identical rows apart by occurrence and differ in every field; without an account the account part is empty', () => {
    const row: Cell[] = ['01/09/2024', '', '', '500.000', '40.500.000', 'ung ho'];
    const keys = rowKeys(read([], [row, row, [...row.slice(0, 4), '', 'ung ho'], [...row.slice(0, 4), '0', 'ung ho'], [...row.slice(0, 5), 'ung ho.'],
      ['01/09/2024 00:01', ...row.slice(1)], [...row.slice(0, 3), '500.001', ...row.slice(4)], [row[0], '', '500.000', '', ...row.slice(4)], CREDIT]));
    expect(keys[0]).toMatch(/^h::[0-9a-f]{32}:1$/);
    expect(keys[1]).toBe(keys[0]!.replace(/1$/, '2'));
    expect(new Set(keys.map((k) => k.split(':')[2])).size).toBe(keys.length - 1);
    expect(keys.at(-1)).toBe('ref::FT1');
  });
});

describe('receipt codes in memos', () => {
  it('finds a code with tone marks typed on it, once however often it is repeated, and codes that overlap', () => {
    expect(receiptCodesIn('Ủng hộ ÁC7K2M9QXP')).toEqual(['AC7K2M9QXP']);
    expect(receiptCodesIn('AC7K2M9QXP AC7K2M9QXP')).toEqual(['AC7K2M9QXP']);
    expect(receiptCodesIn('ACAC7K2M9QXP')).toEqual(['ACAC7K2M9Q', 'AC7K2M9QXP']);
  });
});

describe('another bank, with the columns named', () => {
  it('reads credit, debit and balance columns and the header block above the named header', () => {
    const parsed = parseGeneric(table([
      ['Số tài khoản: 0011000000000'], ['Opening balance: 1,000'],
      ['Posted', 'In', 'Out', 'Bal', 'Text', 'Ref'],
      ['01/09/2024', '500', '', '1,500', 'ung ho', 'R1'],
      ['02/09/2024', '', '100', '1,400', 'phi', 'R2'],
    ]), { date: 'posted', credit: 'In', debit: 'Out', balance: 'Bal', memo: 'Text', reference: '6' });
    expect(parsed).toMatchObject({ layout: 'generic', accountNo: '0011000000000', openingBalanceVnd: 1_000, closingBalanceVnd: 1_400 });
    expect(parsed.rows.map((r) => [r.lineNo, r.creditVnd, r.debitVnd, r.balanceVnd, r.reference])).toEqual([[4, 500, 0, 1_500, 'R1'], [5, 0, 100, 1_400, 'R2']]);
  });

  it('refuses without an amount or credit column, and names the header line of a missing column', () => {
    const rows = table([['x'], ['Posted', 'In', 'Text'], ['01/09/2024', '500', 'ung ho']]);
    expect(parseGeneric(rows, { date: 'Posted', credit: 'In', memo: 'Text' }).rows[0]!.creditVnd).toBe(500);
    expect(refusalOf(() => parseGeneric(rows, { date: 'Posted', memo: 'Text' })).messageEn).toBe('Name the amount column (--amount-col) or the credit column (--credit-col). Nothing was imported; fix the file and import it again.');
    expect(refusalOf(() => parseGeneric(rows, { date: 'Posted', amount: 'Sum', memo: 'Text' })).messageEn).toMatch(/^Line 2: There is no column "Sum" in the header row\./);
    expect(refusalOf(() => parseGeneric(rows, { date: 'Posted', credit: 'In', memo: 'Text', debit: 'Out' })).message).toMatch(/^Dòng 2: Không có cột "Out"/);
  });
});
