// Which rows of the houses-still-short list a visitor's filters keep: pure, so it is tested without a browser.

export interface ShortFilters {
  district: string;
  commune: string;
  type: string;
  stage: string;
}

export const NO_FILTERS: ShortFilters = { district: '', commune: '', type: '', stage: '' };

/** What each row carries in its data- attributes. */
export type ShortRow = Record<keyof ShortFilters, string | undefined>;

// An empty filter keeps every row; a set one keeps only rows with exactly that value.
export function keepsRow(row: ShortRow, filters: ShortFilters): boolean {
  return (Object.keys(filters) as (keyof ShortFilters)[]).every((key) => filters[key] === '' || row[key] === filters[key]);
}

// A commune chosen under another district would hide every row: choosing a district clears it.
export function withFilter(filters: ShortFilters, key: keyof ShortFilters, value: string, communeDistrict: Record<string, string>): ShortFilters {
  const next = { ...filters, [key]: value };
  if (key === 'district' && next.commune && value && communeDistrict[next.commune] !== value) next.commune = '';
  return next;
}
