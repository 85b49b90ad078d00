// RFC 4180 CSV: quote a field only when it needs it, double any quote inside.
export function csvRow(values: readonly (string | number | boolean | null)[]): string {
  return `${values.map((value) => {
    if (value === null) return '';
    const field = String(value);
    return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
  }).join(',')}\r\n`;
}
