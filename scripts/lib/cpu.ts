// CPU time of the processes a benchmark drives, read from /proc (Linux), so a figure per request shows
// where the machine's cores go: the server under test, PostgreSQL (every process of it) and this client.
import { readdirSync, readFileSync } from 'node:fs';

// Linux counts process times in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
const TICK_MS = 10;

interface ProcStat { ppid: number; ownMs: number; reapedChildrenMs: number }

// One /proc/<pid>/stat line; the command name may hold spaces, so fields are counted after its ')'.
function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ownMs: (Number(f[11]) + Number(f[12])) * TICK_MS, reapedChildrenMs: (Number(f[13]) + Number(f[14])) * TICK_MS };
  } catch {
    return undefined;
  }
}

// A server's processes: the postmaster's own time, its ended backends' (reaped) and its live children's.
function processTreeMs(rootPid: number): number {
  const root = procStat(rootPid);
  if (!root) return Number.NaN;
  let total = root.ownMs + root.reapedChildrenMs;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procStat(Number(entry));
    if (child?.ppid === rootPid) total += child.ownMs;
  }
  return total;
}

export interface CpuSample { serverMs: number; postgresMs: number; clientMs: number }

// The PostgreSQL postmaster is the parent of the backend serving `backendPid`; NaN figures when the
// server runs on another machine (its processes are not in this /proc).
export function cpuMeter(serverPid: number, backendPid: number): () => CpuSample {
  const postmasterPid = procStat(backendPid)?.ppid ?? -1;
  return () => {
    const own = process.cpuUsage();
    return { serverMs: procStat(serverPid)?.ownMs ?? Number.NaN, postgresMs: processTreeMs(postmasterPid), clientMs: (own.user + own.system) / 1000 };
  };
}

// CPU milliseconds per request between two samples.
export function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number): CpuSample {
  const per = (key: keyof CpuSample) => (after[key] - before[key]) / requests;
  return { serverMs: per('serverMs'), postgresMs: per('postgresMs'), clientMs: per('clientMs') };
}
