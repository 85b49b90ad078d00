// Display formats shared by every page: Vietnamese conventions whatever the language.
export { formatVnd } from '../ledger/money';

// dd/mm/yyyy, in Vietnam's time zone, for a Date or an ISO date string.
export function formatDate(value: Date | string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

// Whole numbers with the Vietnamese thousands separator.
export function formatCount(value: number): string {
  return new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }).format(value);
}

// File sizes for download lists: kB below a megabyte, MB with one decimal above.
export function formatBytes(bytes: number): string {
  const mebibyte = 1024 * 1024;
  return bytes >= mebibyte ? `${formatCount(Math.round((bytes / mebibyte) * 10) / 10)} MB` : `${formatCount(Math.max(1, Math.round(bytes / 1024)))} kB`;
}
