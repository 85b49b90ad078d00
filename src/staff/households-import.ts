// Importing a commune's list of selected households from a spreadsheet saved as CSV: every row is
// checked first and every problem is listed with its row number; only a clean file is written,
// all rows in one transaction, so fixing and re-uploading never registers a household twice.
import { inArray } from 'drizzle-orm';
import { schema, type Db } from '../../db/client';
import { currentCampaign } from '../domain/campaigns';
import { DomainError } from '../domain/errors';
import { insertHouse } from '../domain/houses';
import { duplicateRefusal, duplicatesOf, registeredLike, type RegisteredHousehold } from '../domain/households';
import { runOnce } from '../domain/journal';
import { houseProjectInput } from '../domain/schemas';
import { parseInput } from '../domain/validate';
import { readTypedNumber, type NumberKind } from '../i18n/read-number';

export const IMPORT_MAX_ROWS = 5000;

// RFC 4180 CSV: quoted fields may hold the delimiter, quotes ("") and line breaks. Excel in a
// Vietnamese locale saves with ';', so the delimiter is read from the header line.
export function parseCsv(input: string): string[][] {
  const text = input.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.split(';').length > firstLine.split(',').length ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

// Column headers accepted, Vietnamese (without or with diacritics) or English.
const columns = {
  commune: ['ma_xa', 'mã xã', 'commune', 'commune_code'],
  headFullName: ['ho_ten', 'họ tên chủ hộ', 'họ tên', 'head_full_name'],
  publishFullName: ['cong_khai_ten', 'đồng ý công khai tên', 'publish_full_name'],
  nationalId: ['cccd', 'số cccd', 'national_id'],
  phone: ['dien_thoai', 'điện thoại', 'phone'],
  address: ['dia_chi', 'địa chỉ', 'address'],
  povertyStatus: ['ho_ngheo', 'hộ nghèo/cận nghèo', 'diện', 'poverty_status'],
  members: ['so_nguoi', 'số nhân khẩu', 'members'],
  type: ['loai', 'loại', 'loại nhà', 'type'],
  source: ['nguon', 'nguồn', 'source'],
  budget: ['kinh_phi', 'kinh phí', 'budget_vnd', 'budget'],
  minutesRef: ['bien_ban', 'biên bản', 'số biên bản', 'minutes_ref'],
  approvedOn: ['ngay_duyet', 'ngày duyệt', 'approved_on'],
  notDuplicate: ['khac_ho', 'hộ khác', 'là hộ khác', 'not_duplicate'],
} as const;
type Column = keyof typeof columns;
const required: Column[] = ['commune', 'headFullName', 'povertyStatus', 'members', 'type', 'minutesRef', 'approvedOn'];

export const IMPORT_TEMPLATE = 'ma_xa,ho_ten,cong_khai_ten,cccd,dien_thoai,dia_chi,ho_ngheo,so_nguoi,loai,nguon,kinh_phi,bien_ban,ngay_duyet';

const yes = (v: string) => /^(1|x|có|co|yes|y|true)$/i.test(v.trim());
export const fold = (v: string) => v.trim().toLowerCase().normalize('NFC');

function poverty(value: string): string {
  const v = fold(value);
  if (['nghèo', 'ngheo', 'poor', 'hộ nghèo'].includes(v)) return 'poor';
  if (['cận nghèo', 'can ngheo', 'near_poor', 'near-poor', 'hộ cận nghèo'].includes(v)) return 'near_poor';
  return value;
}

function houseType(value: string): string {
  const v = fold(value);
  if (['xây mới', 'xay moi', 'new_build', 'new'].includes(v)) return 'new_build';
  if (['sửa chữa', 'sua chua', 'repair'].includes(v)) return 'repair';
  return value;
}

// dd/mm/yyyy (as typed in Vietnam) or yyyy-mm-dd.
export function isoDay(value: string): string {
  const v = value.trim();
  const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  return dmy ? `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}` : v;
}

export interface RowProblem { row: number; vi: string; en: string }

export interface ImportPlan {
  rows: { row: number; commune: string; input: unknown }[];
  problems: RowProblem[];
}

// Maps each data row to the domain's house-project input; the row number is the spreadsheet's (header is 1).
export function planImport(csv: string): ImportPlan {
  const [header, ...data] = parseCsv(csv);
  if (!header) return { rows: [], problems: [{ row: 1, vi: 'Tệp trống.', en: 'The file is empty.' }] };
  const index = new Map<Column, number>();
  header.forEach((name, i) => {
    const found = (Object.keys(columns) as Column[]).find((col) => (columns[col] as readonly string[]).includes(fold(name)));
    if (found) index.set(found, i);
  });
  const missing = required.filter((col) => !index.has(col));
  if (missing.length > 0) {
    return { rows: [], problems: [{ row: 1, vi: `Thiếu cột: ${missing.map((c) => columns[c][0]).join(', ')}. Dòng tiêu đề mẫu: ${IMPORT_TEMPLATE}`, en: `Missing columns: ${missing.map((c) => columns[c][0]).join(', ')}. Template header: ${IMPORT_TEMPLATE}` }] };
  }
  if (data.length > IMPORT_MAX_ROWS) {
    return { rows: [], problems: [{ row: 1, vi: `Tối đa ${IMPORT_MAX_ROWS} dòng mỗi tệp.`, en: `At most ${IMPORT_MAX_ROWS} rows a file.` }] };
  }
  const problems: RowProblem[] = [];
  const rows = data.map((cells, i) => {
    const cell = (col: Column) => (index.has(col) ? (cells[index.get(col)!] ?? '').trim() : '');
    // Numbers are read the Vietnamese way ("60.000.000"); an unclear one is a row problem, never a guess.
    const number = (col: 'budget' | 'members', kind: NumberKind, label: [string, string]) => {
      if (!cell(col)) return undefined;
      const reading = readTypedNumber(cell(col), kind);
      if (reading.ok) return reading.value;
      problems.push({ row: i + 2, vi: `${label[0]}: ${reading.vi}.`, en: `${label[1]}: ${reading.en}.` });
      return Number.NaN;
    };
    const budgetVnd = number('budget', 'amount', ['Kinh phí', 'Budget']);
    const members = number('members', 'count', ['Số nhân khẩu', 'Members']) ?? Number.NaN;
    return {
      row: i + 2,
      commune: cell('commune'),
      input: {
        type: houseType(cell('type')),
        source: cell('source') || undefined,
        budgetVnd,
        minutesRef: cell('minutesRef'),
        approvedOn: isoDay(cell('approvedOn')),
        household: {
          headFullName: cell('headFullName'),
          publishFullName: yes(cell('publishFullName')),
          nationalId: cell('nationalId') || null,
          phone: cell('phone') || null,
          address: cell('address') || null,
          povertyStatus: poverty(cell('povertyStatus')),
          members,
        },
        confirmedNotDuplicate: yes(cell('notDuplicate')),
      },
    };
  });
  return { rows, problems };
}

export interface ImportResult { imported: number; replayed: boolean; houseCodes: string[] }

const rowsRefused = (problems: RowProblem[]) => new DomainError(400, 'import_rows', `Tệp có ${problems.length} dòng lỗi; chưa nhập dòng nào.`,
  `The file has ${problems.length} rows with problems; nothing was imported.`, [...problems].sort((a, b) => a.row - b.row));

// Checks every row against the database (commune, the recorder's areas, a national ID seen before)
// inside the import's transaction, and writes nothing unless every row is clean (the refusal's
// details list the rows). A repeat of the same submission returns the first result.
export async function importHouseholds(db: Db, csv: string, options: { idempotencyKey: string; communeIds: Set<number> | null }): Promise<ImportResult> {
  const plan = planImport(csv);
  if (plan.problems.length > 0) throw rowsRefused(plan.problems);
  const campaign = await currentCampaign(db);
  if (!campaign) throw new DomainError(409, 'no_campaign', 'Chưa có chiến dịch nào.', 'There is no campaign yet.');
  const { result, replayed } = await runOnce(db, options.idempotencyKey, { csv }, async (tx) => {
    const communes = new Map((await tx.select().from(schema.areas).where(inArray(schema.areas.code, [...new Set(plan.rows.map((r) => r.commune))])))
      .map((a) => [a.code, a]));
    const problems: RowProblem[] = [];
    const parsedRows: { row: number; input: ReturnType<typeof parseInput<typeof houseProjectInput>> }[] = [];
    for (const { row, commune, input } of plan.rows) {
      const area = communes.get(commune);
      if (!area || area.level !== 'commune') { problems.push({ row, vi: `Không có xã mã "${commune}".`, en: `No commune with code "${commune}".` }); continue; }
      if (options.communeIds !== null && !options.communeIds.has(area.id)) { problems.push({ row, vi: `Xã ${commune} ngoài phạm vi được giao.`, en: `Commune ${commune} is outside your areas.` }); continue; }
      try {
        parsedRows.push({ row, input: parseInput(houseProjectInput, { ...(input as object), campaignId: campaign.id, areaId: area.id }) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        problems.push({ row, vi: error.message, en: error.messageEn });
      }
    }
    // The same rule as the form: a known national ID is refused, a namesake in the commune needs "khac_ho".
    const candidates = parsedRows.map(({ input }) => ({ areaId: input.areaId, ...input.household, confirmedNotDuplicate: input.confirmedNotDuplicate }));
    const registered = await registeredLike(tx, campaign.id, candidates);
    const earlier: RegisteredHousehold[] = [];
    const inputs: ReturnType<typeof parseInput<typeof houseProjectInput>>[] = [];
    parsedRows.forEach(({ row, input }, i) => {
      const candidate = candidates[i]!;
      const matches = duplicatesOf(candidate, [...registered, ...earlier]);
      if (matches.length > 0) {
        const refusal = duplicateRefusal(matches);
        const inFile = matches.every((m) => m.existing.houseId < 0);
        problems.push(inFile
          ? { row, vi: `Trùng với dòng ${-matches[0]!.existing.houseId} của tệp (${matches[0]!.kind === 'national_id' ? 'cùng số CCCD' : 'cùng tên chủ hộ trong xã; nếu là hộ khác, ghi "có" ở cột khac_ho'}).`, en: `Same household as row ${-matches[0]!.existing.houseId} of the file.` }
          : { row, vi: `${refusal.message}${matches[0]!.kind === 'name_in_commune' ? ' (cột khac_ho)' : ''}`, en: refusal.messageEn });
        return;
      }
      earlier.push({ houseId: -row, publicCode: `dòng ${row}`, headFullName: candidate.headFullName, areaId: candidate.areaId, areaName: '', nationalId: candidate.nationalId });
      inputs.push(input);
    });
    if (problems.length > 0) throw rowsRefused(problems);
    const codes: string[] = [];
    for (const input of inputs) codes.push((await insertHouse(tx, campaign, input)).publicCode);
    return codes;
  });
  return { imported: result.length, replayed, houseCodes: result };
}
