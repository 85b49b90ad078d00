// The in-browser check of the published hash chain: streams each journal file, re-hashes every entry
// with Web Crypto and compares the end with the checkpoint, reporting progress as it goes. No React here.
import { checkRecord, compareWithCheckpoint, startChain, type ChainFault, type JournalRecord } from '../../publish/chain';
import { FILES } from '../../publish/format';
import { recordFault, type PublishedRecord } from '../../publish/records';

export type VerifyOutcome = { ok: true; entries: number; head: string } | { ok: false; fault: ChainFault };

// SHA-256 as hex through Web Crypto, the same digest the ledger uses.
async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

// Streams one NDJSON file line by line so the whole ledger never sits in the page's memory.
async function* records<T = JournalRecord>(url: string): AsyncGenerator<T> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.trim()) yield JSON.parse(line) as T;
  }
  if (pending.trim()) yield JSON.parse(pending) as T;
}

// Checks the whole chain under `base`, calling onProgress every `every` entries (and once with the total).
export async function verifyPublishedChain(base: string, onProgress: (done: number, total: number) => void, every = 2000): Promise<VerifyOutcome> {
  const checkpoint = await (await fetch(`${base}checkpoint.json`)).json();
  const total = Number(checkpoint.entry_count);
  const state = startChain();
  const commitments = new Map<number, string>();
  onProgress(0, total);
  for (const chunk of checkpoint.journal_chunks as string[]) {
    for await (const record of records(base + chunk)) {
      const fault = await checkRecord(state, record, sha256);
      if (fault) return { ok: false, fault };
      if (record.commitment) commitments.set(record.id, record.commitment);
      if (state.count % every === 0) onProgress(state.count, total);
    }
  }
  const fault = compareWithCheckpoint(state, checkpoint);
  if (fault) return { ok: false, fault };
  // Each published record must hash, with its salt, to the commitment its entry carries in the chain.
  for await (const published of records<PublishedRecord>(base + FILES.records)) {
    const reason = await recordFault(published, commitments.get(published.entry_id), sha256);
    if (reason) return { ok: false, fault: { entryId: published.entry_id, reason } };
  }
  onProgress(state.count, total);
  return { ok: true, entries: state.count, head: state.headHash };
}
