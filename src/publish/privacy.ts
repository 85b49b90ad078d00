// The privacy filter: the only place where a private row becomes a public record. Anything not
// copied here explicitly (emails, phones, tax codes, ID numbers, addresses, memos) never leaves.
import { publicDonorName } from '../domain/donors';
import type { InKindItem, LabourDetails } from './format';

// The head of household by initials, unless consent to publish the full name is recorded.
export function publicHeadName(household: { headFullName: string; headInitials: string; publishFullName: boolean }): string {
  return household.publishFullName ? household.headFullName : household.headInitials;
}

export { publicDonorName };

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

// Goods given in kind: name, quantity, unit and valuation only.
export function publicItems(details: unknown): InKindItem[] | null {
  const items = (details as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return null;
  return items.map((item: Record<string, unknown>) => ({ name: text(item.name), quantity: num(item.quantity), unit: text(item.unit), value_vnd: num(item.valueVnd) }));
}

// Labour days: the organisation that sent people, how many, for how long, at what day rate.
export function publicLabour(details: unknown): LabourDetails | null {
  const d = details as Record<string, unknown> | null;
  if (!d || typeof d.personDays !== 'number') return null;
  return { organisation: text(d.organisation), people: num(d.people), days: num(d.days), person_days: num(d.personDays), day_rate_vnd: num(d.dayRateVnd) };
}

// The card fee is a visible line of the journal; everything else in a cash gift's details stays private.
export function publicFee(details: unknown): number {
  return num((details as { feeVnd?: unknown } | null)?.feeVnd);
}
