// Bulk upload of state support paid by the communes or districts: one row per payment (house code,
// amount, date paid, the paying body's document). Every row is read and checked first; then all are
// posted in one transaction, so a broken row refuses the whole file, naming its line, and changes
// nothing. Each row is keyed by its house and document, so uploading the same file again is a no-op.
import { inArray } from 'drizzle-orm';
import { schema, type Db } from '../../db/client';
import { DomainError } from '../domain/errors';
import { recordStatePayment } from '../domain/state-payments';
import { readTypedNumber } from '../i18n/read-number';
import { parseCsv } from '../payments/statement-file';
import { fold, IMPORT_MAX_ROWS, isoDay } from './households-import';

// Column headers accepted, Vietnamese (without or with diacritics) or English.
const columns = {
  house: ['ma_nha', 'mã nhà', 'house', 'house_code'],
  amount: ['so_tien', 'số tiền', 'amount', 'amount_vnd'],
  paidOn: ['ngay_chi', 'ngày chi', 'paid_on'],
  documentRef: ['so_chung_tu', 'số chứng từ', 'chứng từ', 'document_ref'],
} as const;
type Column = keyof typeof columns;

export const STATE_PAYMENT_TEMPLATE = 'ma_nha,so_tien,ngay_chi,so_chung_tu';

export interface StatePaymentImport {
  /** Rows posted now, and rows already recorded by an earlier upload or the form. */
  recorded: number;
  replayed: number;
  totalVnd: number;
}

const lineError = (lineNo: number, vi: string, en: string) => new DomainError(400, 'import_line',
  `Dòng ${lineNo}: ${vi} Không có dòng nào được ghi; hãy sửa tệp rồi tải lên lại.`, `Line ${lineNo}: ${en} Nothing was recorded; fix the file and upload it again.`, { lineNo });

// Reads and posts the file for a recorder limited to communeIds (null: every area).
export async function importStatePayments(db: Db, csv: string, options: { recordedBy: string; communeIds: ReadonlySet<number> | null; now?: Date }): Promise<StatePaymentImport> {
  const table = parseCsv(csv).filter((row) => row.cells.some((cell) => String(cell ?? '').trim() !== ''));
  const [header, ...data] = table;
  if (!header) throw lineError(1, 'Tệp trống.', 'The file is empty.');
  const index = new Map<Column, number>();
  header.cells.forEach((name, i) => {
    const found = (Object.keys(columns) as Column[]).find((col) => (columns[col] as readonly string[]).includes(fold(String(name ?? ''))));
    if (found) index.set(found, i);
  });
  const missing = (Object.keys(columns) as Column[]).filter((col) => !index.has(col));
  if (missing.length > 0) {
    throw lineError(header.lineNo, `Thiếu cột ${missing.map((c) => columns[c][0]).join(', ')}. Dòng tiêu đề mẫu: ${STATE_PAYMENT_TEMPLATE}`,
      `Missing columns ${missing.map((c) => columns[c][0]).join(', ')}. Template header: ${STATE_PAYMENT_TEMPLATE}`);
  }
  if (data.length === 0) throw lineError(header.lineNo, 'Tệp không có dòng dữ liệu nào.', 'The file has no data rows.');
  if (data.length > IMPORT_MAX_ROWS) throw lineError(header.lineNo, `Tối đa ${IMPORT_MAX_ROWS} dòng mỗi tệp.`, `At most ${IMPORT_MAX_ROWS} rows a file.`);
  const rows = data.map(({ lineNo, cells }) => {
    const cell = (col: Column) => String(cells[index.get(col)!] ?? '').trim();
    // Amounts are read the Vietnamese way ("60.000.000"); an unclear one refuses the file, never a guess.
    const amount = readTypedNumber(cell('amount'), 'amount');
    if (!amount.ok) throw lineError(lineNo, `Số tiền: ${amount.vi}.`, `Amount: ${amount.en}.`);
    if (!cell('house')) throw lineError(lineNo, 'Thiếu mã nhà.', 'The house code is missing.');
    return { lineNo, houseCode: cell('house').toUpperCase(), amountVnd: amount.value, paidOn: isoDay(cell('paidOn')), documentRef: cell('documentRef') };
  });
  const houses = new Map((await db.select({ id: schema.houses.id, code: schema.houses.publicCode, areaId: schema.houses.areaId }).from(schema.houses)
    .where(inArray(schema.houses.publicCode, [...new Set(rows.map((r) => r.houseCode))]))).map((h) => [h.code, h]));
  for (const row of rows) {
    const house = houses.get(row.houseCode);
    if (!house) throw lineError(row.lineNo, `Không có nhà mã "${row.houseCode}".`, `No house with code "${row.houseCode}".`);
    if (options.communeIds !== null && !options.communeIds.has(house.areaId)) {
      throw lineError(row.lineNo, `Nhà ${row.houseCode} ngoài phạm vi được giao.`, `House ${row.houseCode} is outside your areas.`);
    }
  }
  const recordedAt = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const done: StatePaymentImport = { recorded: 0, replayed: 0, totalVnd: 0 };
    for (const row of rows) {
      try {
        const { replayed } = await recordStatePayment(tx, {
          houseId: houses.get(row.houseCode)!.id, amountVnd: row.amountVnd, paidOn: row.paidOn, documentRef: row.documentRef, recordedBy: options.recordedBy, recordedAt,
        });
        done[replayed ? 'replayed' : 'recorded']++;
        if (!replayed) done.totalVnd += row.amountVnd;
      } catch (error) {
        if (error instanceof DomainError) throw lineError(row.lineNo, error.message, error.messageEn);
        throw error;
      }
    }
    return done;
  });
}
