// Failed sign-ins: per account-and-address pair, slowed (a growing wait between tries, never a lock,
// so a stranger cannot lock the owner out from elsewhere); per address, slowed then locked (one
// address trying many accounts). Pure: the caller stores the state.

export interface ThrottleState {
  failedCount: number;
  lastFailedAt: Date | null;
  lockedUntil: Date | null;
}

export interface ThrottlePolicy {
  /** Failures allowed before each further try must wait. */
  slowAfter: number;
  /** Failures after which the lock is long (Infinity: never locked, only slowed). */
  lockAfter: number;
  /** The lock's length, and the longest wait while slowed. */
  lockMs: number;
  /** Failures older than this (and not locked) are forgotten. */
  forgetMs: number;
}

// One address guessing one account: few free tries, then waits doubling up to 15 minutes, no lock.
// An address may be an office behind one NAT: more tries before it is locked.
export const PAIR_POLICY: ThrottlePolicy = { slowAfter: 3, lockAfter: Number.POSITIVE_INFINITY, lockMs: 15 * 60_000, forgetMs: 60 * 60_000 };
export const ADDRESS_POLICY: ThrottlePolicy = { slowAfter: 10, lockAfter: 30, lockMs: 30 * 60_000, forgetMs: 60 * 60_000 };

export type Gate = { open: true } | { open: false; reason: 'slowed' | 'locked'; retryAfterMs: number };

// Whether a try may go ahead now; a locked state refuses even the right password.
export function gate(state: ThrottleState, now: Date, policy: ThrottlePolicy): Gate {
  if (state.lockedUntil && state.lockedUntil > now) {
    const reason = state.failedCount >= policy.lockAfter ? 'locked' : 'slowed';
    return { open: false, reason, retryAfterMs: state.lockedUntil.getTime() - now.getTime() };
  }
  return { open: true };
}

// The wait after the n-th failure: none at first, then 1 s, 2 s, 4 s ... up to the lock.
export function afterFailure(state: ThrottleState, now: Date, policy: ThrottlePolicy): ThrottleState {
  const stale = state.lastFailedAt !== null && now.getTime() - state.lastFailedAt.getTime() > policy.forgetMs;
  const failedCount = (stale ? 0 : state.failedCount) + 1;
  let waitMs = 0;
  if (failedCount >= policy.lockAfter) waitMs = policy.lockMs;
  else if (failedCount > policy.slowAfter) waitMs = Math.min(1000 * 2 ** (failedCount - policy.slowAfter - 1), policy.lockMs);
  return { failedCount, lastFailedAt: now, lockedUntil: waitMs > 0 ? new Date(now.getTime() + waitMs) : null };
}

/** Failures against one account, from all addresses within PAIR_POLICY.forgetMs, that alert administrators. */
export const ALERT_FAILURES = 10;

export const CLEARED: ThrottleState = { failedCount: 0, lastFailedAt: null, lockedUntil: null };
