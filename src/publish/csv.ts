// The one CSV writer for everything the project writes as CSV (open dataset, reports): RFC 4180
// quoting, and text that a spreadsheet would run as a formula (a cell starting with = + - @, a tab or
// a carriage return, even after spaces) is neutralised with a leading apostrophe (OWASP's advice), so
// a donor named "=HYPERLINK(...)" stays text. Numbers are written as they are. JSON keeps exact values.
export type CsvValue = string | number | boolean | null;

const FORMULA_START = /^[\s]*[=+\-@]|^[\t\r]/;

// One field: formula-safe, quoted only when it needs it, any quote inside doubled.
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  // A number or boolean is never a formula and never holds a quote, comma or line break.
  if (typeof value !== 'string') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// One row, ended by CRLF (built by concatenation: the verifiers write a million rows again to compare).
export function csvRow(values: readonly CsvValue[]): string {
  let row = values.length > 0 ? csvField(values[0]!) : '';
  for (let i = 1; i < values.length; i++) row += `,${csvField(values[i]!)}`;
  return `${row}\r\n`;
}
