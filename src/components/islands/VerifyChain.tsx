// Re-checks the published hash chain in the visitor's browser, on request, with a progress bar: a React
// island hydrated when it scrolls into view, on the open-data page only.
import { useState } from 'react';
import { verifyPublishedChain } from './verify-run';

interface Props {
  base: string;
  /** Templates with {done} {total} / {entries} {head} / {where} {reason} filled in here. */
  labels: { button: string; idle: string; running: string; ok: string; failed: string; unsupported: string; entry: string };
}

type Result = 'valid' | 'invalid' | 'error' | undefined;

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');

export default function VerifyChain({ base, labels }: Props) {
  const [status, setStatus] = useState(labels.idle);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<Result>();

  async function run() {
    if (!globalThis.crypto?.subtle) return setStatus(labels.unsupported);
    setRunning(true);
    setResult(undefined);
    try {
      const outcome = await verifyPublishedChain(base, (done, total) => {
        setProgress({ done, total });
        setStatus(fill(labels.running, { done: String(done), total: String(total) }));
      });
      if (outcome.ok) {
        setStatus(fill(labels.ok, { entries: String(outcome.entries), head: outcome.head }));
        setResult('valid');
      } else {
        const where = outcome.fault.entryId === null ? 'checkpoint.json' : `${labels.entry} #${outcome.fault.entryId}`;
        setStatus(fill(labels.failed, { where, reason: outcome.fault.reason }));
        setResult('invalid');
      }
    } catch (error) {
      setStatus(fill(labels.failed, { where: '', reason: (error as Error).message }));
      setResult('error');
    } finally {
      setRunning(false);
    }
  }

  return (
    <div data-verify data-result={result}>
      <button type="button" data-testid="verify-button" disabled={running} onClick={run}>{labels.button}</button>
      {progress && <progress max={progress.total || 1} value={progress.done} data-testid="verify-progress" aria-label={labels.button} />}
      <p role="status" aria-live="polite" data-testid="verify-status">{status}</p>
    </div>
  );
}
