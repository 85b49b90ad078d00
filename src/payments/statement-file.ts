// Reads a statement file into rows of cells with their line numbers: CSV (comma, semicolon or tab)
// or XLSX (the first sheet).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { statementError, type TableRow } from './bank-statement';

export interface StatementFile {
  name: string;
  sha256: string;
  table: TableRow[];
}

export async function readStatementFile(path: string): Promise<StatementFile> {
  const bytes = await readFile(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const kind = extname(path).toLowerCase();
  let table: TableRow[];
  if (kind === '.xlsx') {
    const rows = await readSheet(bytes).catch((error: Error) => {
      throw statementError(null, `Không đọc được tệp XLSX (${error.message}).`, `The XLSX file cannot be read (${error.message}).`);
    });
    table = rows.map((cells, i) => ({ lineNo: i + 1, cells: cells as TableRow['cells'] }));
  } else if (kind === '.csv' || kind === '.txt') {
    table = parseCsv(bytes.toString('utf8'));
  } else {
    throw statementError(null, `Không nhận dạng được tệp "${basename(path)}": cần .csv hoặc .xlsx.`, `Unknown file type "${basename(path)}": .csv or .xlsx expected.`);
  }
  return { name: basename(path), sha256, table };
}

// The file's one delimiter: the candidate found most often outside quotes, "," on a tie. Splitting on all
// three would cut a memo's unquoted ";" (or a semicolon file's ",") into cells and shift the columns.
function delimiterOf(text: string): string {
  const counts = new Map([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

// csv-parse reports the line each record ends on, so errors point at the line a person sees.
export function parseCsv(text: string): TableRow[] {
  try {
    const records = parse(text, { bom: true, delimiter: delimiterOf(text), relax_column_count: true, skip_empty_lines: false, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map(({ record, info }) => ({ lineNo: info.lines, cells: record }));
  } catch (error) {
    const lines = (error as { lines?: number }).lines ?? null;
    throw statementError(lines, `Tệp CSV hỏng (${(error as Error).message}).`, `The CSV file is malformed (${(error as Error).message}).`);
  }
}
