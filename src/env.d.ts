/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The signed-in staff member, set by src/staff/guard.ts for /staff/ requests. */
    staff?: import('./staff/accounts').SignedIn & { ip: string };
    /** The client address (src/client-address.ts: the socket's unless TRUST_PROXY says otherwise). */
    ip?: string;
    /** A random id for this request, for log lines. */
    requestId?: string;
    /** The staff route pattern the gate authorised this request for; each staff page checks it is its own. */
    staffRoute?: string;
    /** The staff route's query parameters, parsed by src/staff/query-params.ts. */
    query?: Record<string, unknown>;
    /** The request's form, read once by the gate (within the route's size limit) after the CSRF check. */
    form?: FormData;
  }
}
