// Group commit: requests that arrive while a batch is being written wait and go together in the next
// one (up to maxBatch), so one transaction, one commit and one chain append serve many. An idle
// committer writes at once: no timer. A second batch starts beside a running one only once
// `gatherAtLeast` requests wait: two half-empty batches would each pay a commit for a few requests.
// Requests that share a key (an idempotency key, a payment, a bank row) never go in one batch: the
// later one waits for a later batch, where it sees what the first wrote.

export interface GroupCommitOptions {
  maxBatch?: number;
  maxInFlight?: number;
  gatherAtLeast?: number;
}

// GROUP_COMMIT=off: each request is its own transaction, started at once (to measure what sharing buys, or to rule it out).
const ALONE: GroupCommitOptions = { maxBatch: 1, maxInFlight: Number.POSITIVE_INFINITY, gatherAtLeast: 1 };

interface Waiting<I, R> {
  item: I;
  keys: string[];
  resolve: (reply: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, R> {
  private readonly queue: Waiting<I, R>[] = [];
  private inFlight = 0;
  private readonly writing = new Set<string>();
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly gatherAtLeast: number;
  /** Batches written and requests in them: their ratio is how much the group commit is sharing. */
  readonly stats = { batches: 0, items: 0 };

  /** `write` answers each item of a batch in order; if it throws, every item of the batch gets the error. */
  constructor(private readonly write: (items: I[]) => Promise<R[]>, private readonly keysOf: (item: I) => string[], chosen: GroupCommitOptions = {}) {
    const options = process.env.GROUP_COMMIT === 'off' ? ALONE : chosen;
    this.maxBatch = options.maxBatch ?? 256;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.gatherAtLeast = options.gatherAtLeast ?? 16;
  }

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, keys: this.keysOf(item), resolve, reject });
      this.pump();
    });
  }

  // Starts batches while the rules allow: one when idle, a second only when enough wait.
  private pump(): void {
    while (this.queue.length > 0 && (this.inFlight === 0 || (this.inFlight < this.maxInFlight && this.queue.length >= this.gatherAtLeast))) {
      const batch = this.take();
      if (batch.length === 0) return;
      this.inFlight++;
      this.stats.batches++;
      this.stats.items += batch.length;
      this.write(batch.map((w) => w.item))
        .then((replies) => batch.forEach((w, i) => w.resolve(replies[i]!)), (error: unknown) => batch.forEach((w) => w.reject(error)))
        .finally(() => {
          for (const waiting of batch) for (const key of waiting.keys) this.writing.delete(key);
          this.inFlight--;
          this.pump();
        });
    }
  }

  // The next batch, in arrival order, skipping requests whose keys a batch (this one or one in flight) already holds.
  private take(): Waiting<I, R>[] {
    const batch: Waiting<I, R>[] = [];
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch;) {
      const waiting = this.queue[i]!;
      if (waiting.keys.some((key) => this.writing.has(key))) { i++; continue; }
      for (const key of waiting.keys) this.writing.add(key);
      batch.push(waiting);
      this.queue.splice(i, 1);
    }
    return batch;
  }
}

const perHandle = new WeakMap<object, Map<string, GroupCommit<never, unknown>>>();

// One group commit of each kind per database handle (the server has one handle): made on first use.
export function groupCommitFor<I, R>(handle: object, kind: string, make: () => GroupCommit<I, R>): GroupCommit<I, R> {
  let kinds = perHandle.get(handle);
  if (!kinds) perHandle.set(handle, (kinds = new Map()));
  let committer = kinds.get(kind) as GroupCommit<I, R> | undefined;
  if (!committer) kinds.set(kind, (committer = make()) as unknown as GroupCommit<never, unknown>);
  return committer;
}
