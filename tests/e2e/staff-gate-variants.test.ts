// The staff gate cannot be walked around by spelling a path differently: every staff route, taken from
// the page files, under doubled and encoded slashes, dot segments, upper case, trailing and missing
// slashes, ";" and "?" suffixes, by HEAD, GET and POST, anonymously and as each role the route is not
// for. None may answer 2xx (the public sign-in page excepted), and no table's content may change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, matchStaffRoute, staffRoles, type Role } from '../../src/staff/permissions';
import { tableDigests, SECURITY_BOOKKEEPING } from '../db/digest';
import { buildStaffWorld, signInEveryRole } from '../db/staff-world';
import { staffPageRoutes } from '../unit/staff-pages';
import type { RunningServer } from './browser';
import { rawRequest } from './raw-http';
import { acceptingForm, ensureBuilt, stageServer, type StagedServer } from './staff-server';

const drivers = (['pglite', 'postgres'] as const).filter((d) => d === 'pglite' || process.env.DATABASE_URL);

// Ways of writing one path that a lax gate might not recognise as the same route.
export function pathVariants(path: string): string[] {
  const rest = path.slice('/staff'.length);
  const variants = [
    path, `/${path}`, path.replace(/\//g, '//'), `/staff%2F${rest.slice(1)}`, path.replace(/\//g, '%2F'),
    `/./${path.slice(1)}`, `/x/..${path}`, `/%2e%2e${path}`, `/staff/%2e${rest}`,
    path.toUpperCase(), path.replace('/staff', '/Staff'), `${path}/`, path.replace(/\/$/, ''), `${path};`, `${path};.css`,
    `${path}?x=1`, `${path}%3F`, `${path}%00`, `${path}.`, path.replace(/\//g, '\\'),
  ];
  return [...new Set(variants)];
}

/** The variants also tried with each wrong role's session (anonymous requests try them all). */
const ROLE_VARIANTS = 5;

for (const driver of drivers) {
  describe(`staff gate under path variants (${driver})`, () => {
    let staged: StagedServer;
    let server: RunningServer;
    let sessions: Record<Role, { token: string; csrf: string }>;
    let houseId = 0;
    let houseCode = '';
    let before: Record<string, string>;

    beforeAll(async () => {
      await ensureBuilt();
      staged = await stageServer(driver, async (handle) => {
        const world = await buildStaffWorld(handle.db);
        houseId = world.houses[0]!.houseId;
        houseCode = world.houses[0]!.publicCode;
        sessions = await signInEveryRole(handle.db);
        before = await tableDigests(handle.db, SECURITY_BOOKKEEPING);
      });
      server = await staged.start();
    }, 600_000);

    afterAll(async () => {
      await server?.stop();
      await staged?.cleanup();
    });

    it('answers no variant of any staff route with a 2xx to anyone the route is not for, and changes no row', async () => {
      const routes = staffPageRoutes();
      expect(routes.length).toBeGreaterThan(15);
      const leaks: string[] = [];
      let sent = 0;
      for (const pattern of routes) {
        const route = matchStaffRoute(pattern);
        expect(route, pattern).toBeDefined();
        const path = pattern.replace('[id]', String(houseId));
        // Who must be refused each method: anonymous always (but for the public sign-in page), and each role without the permission.
        const callers: (Role | undefined)[] = [undefined, ...staffRoles];
        for (const [index, variant] of pathVariants(path).entries()) {
          for (const method of ['HEAD', 'GET', 'POST'] as const) {
            const needed = route!.methods[method === 'HEAD' ? 'GET' : method];
            if (needed === 'public') continue;
            for (const role of callers) {
              if (role && (index >= ROLE_VARIANTS || method === 'HEAD' || (needed && can(role, needed)))) continue;
              const headers: Record<string, string> = { Origin: server.url, ...(role ? { Cookie: `ancu_staff=${sessions[role].token}` } : {}) };
              const form = method === 'POST' ? acceptingForm(houseCode, role ? sessions[role].csrf : undefined).toString() : undefined;
              if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
              const response = await rawRequest(server.url, method, variant, headers, form);
              sent++;
              if (response.status >= 200 && response.status < 300) {
                leaks.push(`${role ?? 'anonymous'} ${method} ${variant} → ${response.status} ${response.body.subarray(0, 80).toString()}`);
              }
              else if (response.status >= 500) leaks.push(`${role ?? 'anonymous'} ${method} ${variant} → ${response.status}`);
            }
          }
        }
      }
      expect(sent).toBeGreaterThan(800);
      expect(leaks).toEqual([]);
      await server.stop();
      const handle = await staged.open();
      expect(await tableDigests(handle.db, SECURITY_BOOKKEEPING)).toEqual(before);
    }, 600_000);
  });
}
