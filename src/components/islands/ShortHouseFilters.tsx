// The filters of the houses-still-short list: a React island, hydrated only when it scrolls into view,
// that hides the rows of the server-rendered table (the table itself works without JavaScript).
import { useEffect, useState } from 'react';
import { formatCount } from '../../i18n/format';
import type { Lang } from '../../i18n/ui';
import { keepsRow, NO_FILTERS, withFilter, type ShortFilters, type ShortRow } from './short-filter';

export interface Option { value: string; label: string; district?: string }

interface Props {
  lang: Lang;
  tableId: string;
  labels: { filter: string; all: string; district: string; commune: string; type: string; stage: string; shown: string };
  options: { district: Option[]; commune: Option[]; type: Option[]; stage: Option[] };
}

export default function ShortHouseFilters({ lang, tableId, labels, options }: Props) {
  const [filters, setFilters] = useState<ShortFilters>(NO_FILTERS);
  const [shown, setShown] = useState<number | null>(null);
  const communeDistrict = Object.fromEntries(options.commune.map((c) => [c.value, c.district ?? '']));

  useEffect(() => {
    const rows = document.querySelectorAll<HTMLTableRowElement>(`#${tableId} tbody tr`);
    let count = 0;
    rows.forEach((row) => {
      const keep = keepsRow(row.dataset as ShortRow, filters);
      row.hidden = !keep;
      if (keep) count++;
    });
    setShown(count);
  }, [filters, tableId]);

  const select = (key: keyof ShortFilters, list: Option[]) => (
    <label>
      {labels[key]}
      <select value={filters[key]} data-testid={`filter-${key}`} onChange={(e) => setFilters(withFilter(filters, key, e.target.value, communeDistrict))}>
        <option value="">{labels.all}</option>
        {list.filter((o) => key !== 'commune' || !filters.district || o.district === filters.district).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );

  return (
    <form className="search" aria-label={labels.filter} onSubmit={(e) => e.preventDefault()}>
      {select('district', options.district)}
      {select('commune', options.commune)}
      {select('type', options.type)}
      {select('stage', options.stage)}
      <p role="status" aria-live="polite" data-testid="short-shown">{shown === null ? '' : labels.shown.replace('{n}', formatCount(shown, lang))}</p>
    </form>
  );
}
