// A per-key sliding-window limit held in memory (one server process): at most `limit` events per key
// within `windowMs`. Memory is bounded: past `maxKeys` keys the least recently used are forgotten.

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export class RateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(readonly limit: number, readonly windowMs: number, private readonly maxKeys = 10_000) {}

  // Whether one more event for this key would stay within the limit now; changes nothing.
  check(key: string, now = Date.now()): RateDecision {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return { ok: true };
    return { ok: false, retryAfterMs: recent[0]! + this.windowMs - now };
  }

  // Counts one event for this key.
  record(key: string, now = Date.now()): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.events.delete(key);
    this.events.set(key, recent);
    if (this.events.size > this.maxKeys) this.events.delete(this.events.keys().next().value!);
  }

  private recent(key: string, now: number): number[] {
    return (this.events.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }
}
