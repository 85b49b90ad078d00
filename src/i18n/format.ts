// Display formats shared by every page: Vietnamese conventions by default ("1.234.567 ₫", dd/mm/yyyy),
// English digit grouping on English pages ("1,234,567 ₫"); dates stay dd/mm/yyyy in both.
import { formatVnd as formatVndVi } from '../ledger/money';
import type { Lang } from './ui';

const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';
// Made once: building a time-zone formatter costs about 0.4 ms, and a ledger page formats 250 dates.
const VN_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: VN_TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const VN_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: VN_TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });

// Groups digits by three with the language's separator, so no locale data of the runtime is needed.
function group(value: number, lang: Lang): string {
  const [whole, fraction] = String(Math.abs(value)).split('.');
  const sep = lang === 'en' ? ',' : '.';
  const digits = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return `${value < 0 ? '-' : ''}${digits}${fraction ? (lang === 'en' ? '.' : ',') + fraction : ''}`;
}

// Whole đồng with the page language's thousands separator and ₫ after a space.
export function formatVnd(value: number, lang: Lang = 'vi'): string {
  return lang === 'vi' ? formatVndVi(value) : `${group(value, lang)} ₫`;
}

// Counts (and one-decimal shares) with the page language's separators: "1.851" / "1,851".
export function formatCount(value: number, lang: Lang = 'vi'): string {
  return group(Math.round(value * 10) / 10, lang);
}

// dd/mm/yyyy, in Vietnam's time zone, for a Date or an ISO date string.
export function formatDate(value: Date | string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const date = typeof value === 'string' ? new Date(value) : value;
  return VN_DATE.format(date);
}

// "14:05 04/12/2026 (GMT+7)": a publication time needs the hour, and the zone said so nobody guesses.
export function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  const time = VN_TIME.format(date);
  return `${time} ${formatDate(date)} (GMT+7)`;
}

// A share as "12,5%" / "12.5%", one decimal, capped at 100% (a bar never runs past its track).
export function formatPercent(part: number, whole: number, lang: Lang = 'vi'): string {
  const share = whole > 0 ? Math.min(100, Math.round((part / whole) * 1000) / 10) : 0;
  return `${formatCount(share, lang)}%`;
}

// The same share for a CSS width ("12.5%"): CSS wants a dot whatever the page's language.
export function cssPercent(part: number, whole: number): string {
  return `${whole > 0 ? Math.max(0, Math.min(100, Math.round((part / whole) * 10000) / 100)) : 0}%`;
}

const COMPACT: Record<Lang, [number, string][]> = {
  vi: [[1e9, 'tỷ'], [1e6, 'triệu'], [1e3, 'nghìn']],
  en: [[1e9, 'bn'], [1e6, 'm'], [1e3, 'k']],
};

// Chart axis labels: "14 tỷ ₫" / "14 bn ₫" (Vietnamese counts in tỷ and triệu, not in "Mrd.").
export function formatCompactVnd(value: number, lang: Lang = 'vi'): string {
  const abs = Math.abs(value);
  const unit = COMPACT[lang].find(([size]) => abs >= size);
  if (!unit) return formatVnd(value, lang);
  const scaled = Math.round((value / unit[0]) * 10) / 10;
  return `${group(scaled, lang)} ${unit[1]} ₫`;
}

// One bundle per page, so a page says `const { formatVnd } = formatsFor(lang)` once.
export function formatsFor(lang: Lang) {
  return {
    formatVnd: (value: number) => formatVnd(value, lang),
    formatCount: (value: number) => formatCount(value, lang),
    formatDate,
    formatDateTime,
    formatCompactVnd: (value: number) => formatCompactVnd(value, lang),
    formatBytes: (bytes: number) => formatBytes(bytes, lang),
    formatPercent: (part: number, whole: number) => formatPercent(part, whole, lang),
  };
}

// File sizes for download lists: kB below a megabyte, MB with one decimal above.
export function formatBytes(bytes: number, lang: Lang = 'vi'): string {
  const mebibyte = 1024 * 1024;
  return bytes >= mebibyte ? `${formatCount(Math.round((bytes / mebibyte) * 10) / 10, lang)} MB` : `${formatCount(Math.max(1, Math.round(bytes / 1024)), lang)} kB`;
}
