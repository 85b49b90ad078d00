// Every page or endpoint file under src/pages/staff, as Astro routes it: the list the route tests enumerate.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { routeOfPageFile } from '../../src/staff/permissions';

export function staffPageRoutes(): string[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.(astro|ts)$/.test(name) ? [path] : [];
  });
  return walk('src/pages/staff').map(routeOfPageFile).sort();
}
