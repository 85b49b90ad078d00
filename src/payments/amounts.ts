// Amounts typed by people or exported by banks ("100.000", "1,000,000.00", "500000 ₫") as whole đồng.

export type VndReading = { ok: true; value: number } | { ok: false; reason: 'not_a_number' | 'fraction' | 'negative' | 'too_large' };

// Vietnamese groups thousands with dots, bank exports often with commas; a non-zero fraction is refused, never rounded.
export function readVnd(text: string): VndReading {
  let s = text.replace(/\s|₫|đ|VND|VNĐ/gi, '');
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  let digits: string | undefined;
  let fraction = '';
  if (/^\d+$/.test(s)) digits = s;
  else if (/^\d{1,3}(\.\d{3})+$/.test(s)) digits = s.replace(/\./g, '');
  else if (/^\d{1,3}(,\d{3})+$/.test(s)) digits = s.replace(/,/g, '');
  else {
    const dotDecimal = /^(\d{1,3}(?:,\d{3})*|\d+)\.(\d+)$/.exec(s);
    const commaDecimal = /^(\d{1,3}(?:\.\d{3})*|\d+),(\d+)$/.exec(s);
    const match = dotDecimal ?? commaDecimal;
    if (match) {
      digits = match[1]!.replace(/[.,]/g, '');
      fraction = match[2]!;
    }
  }
  if (digits === undefined) return { ok: false, reason: 'not_a_number' };
  if (/[1-9]/.test(fraction)) return { ok: false, reason: 'fraction' };
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return { ok: false, reason: 'too_large' };
  if (negative && value !== 0) return { ok: false, reason: 'negative' };
  return { ok: true, value };
}
