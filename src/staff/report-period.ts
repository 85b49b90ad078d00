// The reporting half-year: January–June or July–December. Pure.
import { todayInVietnam } from './forms';

export interface Period { from: string; to: string }

// The half-year a Vietnam date (yyyy-mm-dd) falls in, so a report covers whole half-years.
export function halfYearOf(date: string): Period {
  const year = date.slice(0, 4);
  return date.slice(5) >= '07-01' ? { from: `${year}-07-01`, to: `${year}-12-31` } : { from: `${year}-01-01`, to: `${year}-06-30` };
}

// The last half-year that has ended: the report is for a finished period.
export function defaultPeriod(now = new Date()): Period {
  const today = todayInVietnam(now);
  const current = halfYearOf(today);
  const dayBefore = new Date(Date.parse(`${current.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return halfYearOf(dayBefore);
}

// The last finished half-year with data: the one holding the latest entry before the current half-year began.
export function periodWithData(now: Date, latestEntryDate: string | null): Period {
  const finished = defaultPeriod(now);
  return latestEntryDate && latestEntryDate < finished.to ? halfYearOf(latestEntryDate) : finished;
}
