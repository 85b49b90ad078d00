/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The signed-in staff member, set by src/staff/guard.ts for /staff/ requests. */
    staff?: import('./staff/accounts').SignedIn & { ip: string };
    /** The client address as the gate saw it. */
    ip?: string;
    /** The request's form, read once by the gate (within the route's size limit) after the CSRF check. */
    form?: FormData;
  }
}
