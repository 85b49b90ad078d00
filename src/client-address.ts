// The client's network address: the TCP peer's, unless TRUST_PROXY names the reverse proxies (or
// the number of proxy hops) whose X-Forwarded-For entries may be believed. Astro's own clientAddress
// takes the first X-Forwarded-For entry, which any client can forge, so it is not used.
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { BlockList, isIP } from 'node:net';

/** Request header the server stamps with the TCP peer's address (any value a client sends is overwritten). */
export const PEER_HEADER = 'x-ancu-peer-address';
// A per-process secret in the stamp, so a client cannot forge it even on a request the stamp missed.
const STAMP_KEY = randomBytes(12).toString('hex');
/** Longest address kept: an IPv6 address with an IPv4 tail is 45 characters. */
export const ADDRESS_MAX = 45;
/** How many X-Forwarded-For entries are looked at, from the right; the rest of a huge header is ignored. */
const FORWARDED_MAX_ENTRIES = 16;

export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; proxies: BlockList };

// TRUST_PROXY is empty (trust no one), a hop count ("1": one proxy in front), or a comma list of
// proxy addresses and CIDR ranges ("127.0.0.1, 10.0.0.0/8"); "loopback" stands for 127.0.0.0/8 and ::1.
export function parseTrustProxy(setting: string | undefined): TrustProxy {
  const value = (setting ?? '').trim();
  if (value === '' || value === '0' || /^false$/i.test(value)) return { kind: 'none' };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: Math.min(Number(value), FORWARDED_MAX_ENTRIES) };
  const proxies = new BlockList();
  for (const raw of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    if (raw === 'loopback') {
      proxies.addSubnet('127.0.0.0', 8, 'ipv4');
      proxies.addAddress('::1', 'ipv6');
      continue;
    }
    const [address, prefix] = raw.split('/');
    const family = isIP(address ?? '');
    if (!family || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      throw new Error(`TRUST_PROXY: "${raw}" is not an IP address, a CIDR range, "loopback" or a hop count.`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) proxies.addAddress(address!, type);
    else proxies.addSubnet(address!, Number(prefix), type);
  }
  return { kind: 'list', proxies };
}

// One address as we store it: a valid IP, IPv4-mapped IPv6 written as IPv4, else undefined.
export function normaliseAddress(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > ADDRESS_MAX) return undefined;
  const unmapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)?.[1] ?? trimmed;
  return isIP(unmapped) ? unmapped.toLowerCase() : undefined;
}

const familyOf = (address: string) => (isIP(address) === 4 ? 'ipv4' : 'ipv6');

// The client address from the peer and the X-Forwarded-For header, trusting only what TRUST_PROXY allows:
// each trusted proxy appends the address it received from, so the chain is read from the right.
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | null, trust: TrustProxy): string {
  const socket = normaliseAddress(peer) ?? 'unknown';
  if (trust.kind === 'none' || !forwardedFor) return socket;
  // Only the rightmost entries can have come from a trusted proxy; never split a megabyte header whole.
  const tail = forwardedFor.slice(-FORWARDED_MAX_ENTRIES * (ADDRESS_MAX + 2)).split(',').slice(-FORWARDED_MAX_ENTRIES);
  const chain = [...tail, socket];
  if (trust.kind === 'hops') {
    const chosen = chain[Math.max(0, chain.length - 1 - trust.hops)];
    return normaliseAddress(chosen) ?? socket;
  }
  let client = socket;
  for (let i = chain.length - 1; i > 0; i--) {
    const current = normaliseAddress(chain[i]);
    if (!current || !trust.proxies.check(current, familyOf(current))) break;
    const previous = normaliseAddress(chain[i - 1]);
    if (!previous) break;
    client = previous;
  }
  return client;
}

let stamped = false;
// Stamps each incoming request with its TCP peer address before Astro reads the headers. Node publishes
// this channel synchronously before the request handler runs, for any node:http server.
export function stampPeerAddresses(): void {
  if (stamped) return;
  stamped = true;
  subscribe('http.server.request.start', (message) => {
    const { request, socket } = message as { request: { headers: Record<string, string | string[] | undefined> }; socket: { remoteAddress?: string } };
    request.headers[PEER_HEADER] = `${STAMP_KEY} ${socket.remoteAddress ?? 'unknown'}`;
  });
}

let configured: TrustProxy | undefined;
// The TRUST_PROXY setting, read once.
export function trustProxy(): TrustProxy {
  configured ??= parseTrustProxy(process.env.TRUST_PROXY);
  return configured;
}

// The address of the client that sent this request. Without the peer stamp (the server's very first
// request, before this module loaded) Astro's address is used only when no forwarded header could
// have replaced it.
export function clientAddressOf(request: Request, astroAddress: () => string): string {
  const stamp = request.headers.get(PEER_HEADER);
  let peer = stamp?.startsWith(`${STAMP_KEY} `) ? stamp.slice(STAMP_KEY.length + 1) : undefined;
  if (peer === undefined && !request.headers.has('x-forwarded-for')) {
    try {
      peer = astroAddress();
    } catch {
      peer = undefined;
    }
  }
  return resolveClientAddress(peer, request.headers.get('x-forwarded-for'), trustProxy());
}
