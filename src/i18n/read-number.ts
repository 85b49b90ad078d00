// Numbers as Vietnamese people type them: "." groups thousands ("2.000" is two thousand), "," starts
// the decimals ("2,5"). What could be read two ways ("2.50", "1,234") is refused with the reason,
// never guessed: a quantity of 2 saved for "2.000" bricks is a wrong record nobody notices. Pure.

/** amount: whole đồng; count: whole things (people, members); quantity: may have decimals. */
export type NumberKind = 'amount' | 'count' | 'quantity';

export type NumberProblem = 'empty' | 'not_a_number' | 'negative' | 'ambiguous_dot' | 'ambiguous_comma' | 'english_grouping' | 'fraction' | 'too_large';

export type NumberReading = { ok: true; value: number } | { ok: false; problem: NumberProblem; vi: string; en: string };

const DOT_GROUPS = /^\d{1,3}(\.\d{3})+$/;
const COMMA_GROUPS = /^\d{1,3}(,\d{3})+$/;

// Why a text was refused, in words a recorder can act on (the caller names the field).
function refuse(problem: NumberProblem, typed: string, kind: NumberKind): NumberReading {
  const messages: Record<NumberProblem, [string, string]> = {
    empty: ['chưa nhập', 'is empty'],
    not_a_number: [`"${typed}" không phải là số`, `"${typed}" is not a number`],
    negative: ['không được là số âm', 'cannot be negative'],
    ambiguous_dot: [
      `"${typed}" không rõ nghĩa: dấu chấm dùng để tách hàng nghìn (2.000 là hai nghìn); số lẻ viết bằng dấu phẩy (2,5)`,
      `"${typed}" is ambiguous: a dot groups thousands (2.000 is two thousand); decimals take a comma (2,5)`],
    ambiguous_comma: [
      `"${typed}" không rõ nghĩa: có thể là ${typed.replace(',', '.')} (hàng nghìn) hoặc số lẻ; hàng nghìn viết bằng dấu chấm (1.234), số lẻ viết ít hơn hoặc nhiều hơn 3 chữ số sau dấu phẩy (1,2 hoặc 1,2340)`,
      `"${typed}" is ambiguous: thousands or a decimal? Group thousands with a dot (1.234); write decimals with other than 3 digits after the comma (1,2 or 1,2340)`],
    english_grouping: [
      `"${typed}": dấu phẩy là dấu thập phân; hàng nghìn viết bằng dấu chấm (${typed.replace(/,/g, '.')})`,
      `"${typed}": the comma is the decimal mark; group thousands with dots (${typed.replace(/,/g, '.')})`],
    fraction: kind === 'amount'
      ? ['phải là số đồng nguyên, không có phần lẻ', 'must be whole đồng, without a fraction']
      : ['phải là số nguyên', 'must be a whole number'],
    too_large: ['quá lớn', 'is too large'],
  };
  const [vi, en] = messages[problem];
  return { ok: false, problem, vi, en };
}

// Reads one typed number of the given kind; spaces, and "₫"/"đ"/"VND" after an amount, are allowed.
export function readTypedNumber(input: string, kind: NumberKind): NumberReading {
  const typed = input.normalize('NFC').trim();
  let s = typed.replace(/[\s\u00a0\u202f]/g, '');
  if (kind === 'amount') s = s.replace(/(₫|đồng|đ|vnđ|vnd)$/i, '');
  if (s === '') return refuse('empty', typed, kind);
  if (/^[-−]/.test(s)) return refuse('negative', typed, kind);
  if (!/^[\d.,]+$/.test(s) || !/^\d/.test(s)) return refuse('not_a_number', typed, kind);
  const commas = s.split(',').length - 1;
  if (commas > 1) return refuse(COMMA_GROUPS.test(s) ? 'english_grouping' : 'not_a_number', typed, kind);
  const [whole = '', fraction = ''] = s.split(',');
  if (whole.includes('.') && !DOT_GROUPS.test(whole)) return refuse(/^\d+\.\d+$/.test(whole) && commas === 0 ? 'ambiguous_dot' : 'not_a_number', typed, kind);
  if (commas === 1) {
    if (!/^\d+$/.test(fraction)) return refuse('not_a_number', typed, kind);
    // "1,234" is 1234 in English and 1.234 in Vietnamese; "0,250" can only be a decimal.
    if (/^[1-9]\d{0,2}$/.test(whole) && fraction.length === 3) return refuse('ambiguous_comma', typed, kind);
    if (kind !== 'quantity' && /[1-9]/.test(fraction)) return refuse('fraction', typed, kind);
  }
  const digits = whole.replace(/\./g, '');
  const value = kind === 'quantity' && commas === 1 ? Number(`${digits}.${fraction}`) : Number(digits);
  if (!Number.isSafeInteger(Number(digits))) return refuse('too_large', typed, kind);
  return { ok: true, value };
}

// Amounts a bank's export wrote, not a person: "1,500,000", "1.500.000", "1,500,000.00" or "1.500.000,00"
// are all whole đồng (VND has no minor unit, so three digits after one mark are always a group);
// a non-zero fraction is refused, never rounded. The caller handles a sign.
export function readExportedAmount(input: string): NumberReading {
  const typed = input.normalize('NFC').trim();
  const s = typed.replace(/[\s\u00a0\u202f]/g, '').replace(/(₫|đồng|đ|vnđ|vnd)$/i, '');
  if (s === '') return refuse('empty', typed, 'amount');
  const grouped = /^(\d{1,3}(?:([.,])\d{3})*|\d+)(?:([.,])(\d{1,2}))?$/.exec(s);
  // The decimal mark, if any, differs from the grouping mark ("1,500.00"; not "1,500,00").
  const marks = new Set(grouped?.[1]!.replace(/\d/g, ''));
  if (!grouped || marks.size > 1 || (grouped[3] && marks.has(grouped[3]))) return refuse('not_a_number', typed, 'amount');
  if (/[1-9]/.test(grouped[4] ?? '')) return refuse('fraction', typed, 'amount');
  const value = Number(grouped[1]!.replace(/[.,]/g, ''));
  if (!Number.isSafeInteger(value)) return refuse('too_large', typed, 'amount');
  return { ok: true, value };
}
