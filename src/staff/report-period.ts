// The reporting half-year: January–June or July–December. Pure.
import { todayInVietnam } from './forms';

// The last half-year that has ended, or the current one if asked; the form offers it by default.
export function defaultPeriod(now = new Date()): { from: string; to: string } {
  const today = todayInVietnam(now);
  const year = Number(today.slice(0, 4));
  return today.slice(5) >= '07-01' ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year - 1}-07-01`, to: `${year - 1}-12-31` };
}
