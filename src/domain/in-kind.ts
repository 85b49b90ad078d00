// The valuation of a gift in kind, item by item. A recorder types either the unit price ("Đơn giá")
// or the line total ("Thành tiền"); the other is computed and shown, and when both are typed they
// must agree, so a unit price can never be saved as a total (or the reverse). Pure: no I/O.
import { formatVnd } from '../i18n/format';
import { DomainError } from './errors';

export interface TypedItem {
  name: string;
  quantity: number;
  unit: string;
  unitPriceVnd?: number;
  totalVnd?: number;
}

export interface PricedItem {
  name: string;
  quantity: number;
  unit: string;
  /** As typed, or the total divided by the quantity rounded to the đồng. */
  unitPriceVnd: number;
  /** The line total, whole đồng: what the gift is valued at. */
  valueVnd: number;
}

// Quantity × unit price rounded to the đồng (a valuation, not money paid), checked against a typed total.
export function priceItem(item: TypedItem, row: number, field: (part: 'UnitPrice' | 'Total') => string): PricedItem {
  const { quantity, unitPriceVnd, totalVnd } = item;
  const quantityText = `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3 }).format(quantity)} ${item.unit}`;
  if (unitPriceVnd === undefined && totalVnd === undefined) {
    throw new DomainError(400, 'invalid_field', `Dòng ${row}: nhập đơn giá hoặc thành tiền cho "${item.name}".`,
      `Row ${row}: enter the unit price or the line total for "${item.name}".`, { field: field('Total') });
  }
  if (unitPriceVnd === undefined) {
    return { name: item.name, quantity, unit: item.unit, unitPriceVnd: Math.round(totalVnd! / quantity), valueVnd: totalVnd! };
  }
  const computed = Math.round(quantity * unitPriceVnd);
  if (totalVnd !== undefined && totalVnd !== computed) {
    throw new DomainError(400, 'invalid_field',
      `Dòng ${row}: ${quantityText} × ${formatVnd(unitPriceVnd)} = ${formatVnd(computed)}, không khớp thành tiền ${formatVnd(totalVnd)}. Hãy sửa một trong hai, hoặc để trống thành tiền.`,
      `Row ${row}: ${quantityText} × ${formatVnd(unitPriceVnd)} = ${formatVnd(computed)}, not the line total ${formatVnd(totalVnd)}. Correct one of them, or leave the total empty.`,
      { field: field('Total') });
  }
  if (computed < 1) {
    throw new DomainError(400, 'invalid_field', `Dòng ${row}: thành tiền phải lớn hơn 0 ₫.`, `Row ${row}: the line total must be above 0 ₫.`, { field: field('UnitPrice') });
  }
  return { name: item.name, quantity, unit: item.unit, unitPriceVnd, valueVnd: computed };
}

// "20 bao × 100.000 ₫ = 2.000.000 ₫" for the recorder to check what was saved.
export function describeItem(item: PricedItem): string {
  const quantity = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3 }).format(item.quantity);
  return `${item.name}: ${quantity} ${item.unit} × ${formatVnd(item.unitPriceVnd)} = ${formatVnd(item.valueVnd)}`;
}
