// The ledger search's filters. Rendered as a plain GET form everywhere (it works without JavaScript and
// its address can be shared); where hydrated (the search page, client:idle) it also asks the live
// search endpoint, as the visitor types, how many gifts match, or what is wrong with a filter.
import { useEffect, useState, type InputHTMLAttributes } from 'react';
import { formatCount } from '../../i18n/format';
import type { Lang } from '../../i18n/ui';

const FIELDS = ['q', 'code', 'amount', 'from', 'to'] as const;
type Field = (typeof FIELDS)[number];

interface Props {
  lang: Lang;
  action: string;
  values?: Partial<Record<Field, string>>;
  labels: Record<Field, string> & { submit: string; live: string; matches: string; checking: string };
}

/** Typing pauses this long before the count is asked for, so a name is not searched letter by letter. */
const SETTLE_MS = 400;

// The filters a visitor filled in, as the query the form itself would send.
export function filterQuery(values: Partial<Record<Field, string>>, lang: Lang): URLSearchParams | null {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (values[field]?.trim()) params.set(field, values[field]!.trim());
  if ([...params.keys()].length === 0) return null;
  params.set('lang', lang);
  return params;
}

export default function LedgerFilters({ lang, action, values = {}, labels }: Props) {
  const [filled, setFilled] = useState<Partial<Record<Field, string>>>(values);
  const [hydrated, setHydrated] = useState(false);
  const [preview, setPreview] = useState('');

  useEffect(() => setHydrated(true), []);
  useEffect(() => {
    if (!hydrated) return;
    const params = filterQuery(filled, lang);
    if (!params) return setPreview('');
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setPreview(labels.checking);
      try {
        const response = await fetch(`/api/search?${params}`, { signal: controller.signal });
        const body = (await response.json()) as { total?: number; message?: string };
        setPreview(response.ok ? labels.matches.replace('{n}', formatCount(body.total ?? 0, lang)) : body.message ?? '');
      } catch (error) {
        if ((error as Error).name !== 'AbortError') setPreview('');
      }
    }, SETTLE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [filled, hydrated]);

  const input = (field: Field, extra: InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label>
      {labels[field]}
      <input name={field} value={filled[field] ?? ''} onChange={(e) => setFilled({ ...filled, [field]: e.target.value })} data-testid={`ledger-filter-${field}`} {...extra} />
    </label>
  );

  return (
    <>
      <form className="search" method="get" action={action} role="search">
        {input('q', { maxLength: 100, autoComplete: 'off' })}
        {input('code', { maxLength: 40, autoComplete: 'off' })}
        {input('amount', { inputMode: 'numeric', pattern: '[0-9.]*' })}
        {input('from', { type: 'date' })}
        {input('to', { type: 'date' })}
        <button type="submit">{labels.submit}</button>
      </form>
      <p className="muted" role="status" aria-live="polite" data-testid="ledger-preview">{preview || labels.live}</p>
    </>
  );
}
