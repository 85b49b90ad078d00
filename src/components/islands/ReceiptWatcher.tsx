// Waits politely for a pending transfer: asks the lookup now and then (every 15 s, slower after a few
// minutes, never while the tab is hidden, not at all after an hour) and reloads the receipt once the
// money is received. The page's own refresh link does the same without JavaScript.
import { useEffect } from 'react';

interface Props { code: string }

const FIRST_WAIT_MS = 15_000;
const GIVE_UP_AFTER_MS = 60 * 60_000;

// The wait before the next question: 15 s for five minutes, then doubling up to two minutes.
export function nextWait(elapsedMs: number, lastWaitMs: number): number {
  return elapsedMs < 5 * 60_000 ? FIRST_WAIT_MS : Math.min(lastWaitMs * 2, 120_000);
}

export default function ReceiptWatcher({ code }: Props) {
  useEffect(() => {
    const started = Date.now();
    let wait = FIRST_WAIT_MS;
    let timer: ReturnType<typeof setTimeout>;
    const ask = async () => {
      if (Date.now() - started > GIVE_UP_AFTER_MS) return;
      if (document.visibilityState === 'visible') {
        const response = await fetch(`/api/lookup?code=${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } }).catch(() => undefined);
        const body = response?.ok ? await response.json().catch(() => undefined) as { status?: string } | undefined : undefined;
        if (body?.status && body.status !== 'pledged') {
          window.location.reload();
          return;
        }
      }
      wait = nextWait(Date.now() - started, wait);
      timer = setTimeout(ask, wait);
    };
    timer = setTimeout(ask, wait);
    return () => clearTimeout(timer);
  }, [code]);
  return null;
}
