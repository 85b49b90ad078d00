// Builds a fresh, migrated database per test: PGlite in memory, or a copy of a migrated template
// database on the PostgreSQL server at DATABASE_URL.
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { migrationsFolder, openPglite, openPostgres, type DbHandle } from '../../db/client';

export interface FreshOptions {
  /** PostgreSQL connections in the pool (default 20): a race needs as many as it has racers. PGlite has one. */
  poolSize?: number;
}
export type FreshDb = (options?: FreshOptions) => Promise<DbHandle>;

// Migrating PGlite takes seconds; cloning a migrated one takes milliseconds.
let pgliteTemplate: Promise<PGlite> | undefined;
export const pgliteFresh: FreshDb = async () => {
  pgliteTemplate ??= (async () => {
    const template = new PGlite('memory://');
    await openPglite(template).migrate();
    return template;
  })();
  return openPglite((await (await pgliteTemplate).clone()) as PGlite);
};

// One migrated template per version of the migrations, shared by every worker and kept between runs
// (an advisory lock lets one worker build it); each test gets CREATE DATABASE ... TEMPLATE, dropped on close.
export function postgresFresh(url: string): FreshDb {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const migrationsHash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    const path = join(migrationsFolder, file);
    if (statSync(path).isFile()) migrationsHash.update(file).update(readFileSync(path));
  }
  const template = `ancu_tpl_${migrationsHash.digest('hex').slice(0, 16)}`;
  let ready: Promise<void> | undefined;
  let counter = 0;
  const urlFor = (name: string) => { const u = new URL(url); u.pathname = `/${name}`; return u.toString(); };
  const prepare = async () => {
    const session = await admin.reserve();
    try {
      await session`SELECT pg_advisory_lock(hashtext(${template}))`;
      const [exists] = await session`SELECT 1 FROM pg_database WHERE datname = ${template}`;
      if (exists) return;
      await session.unsafe(`DROP DATABASE IF EXISTS ${template}_building WITH (FORCE)`);
      await session.unsafe(`CREATE DATABASE ${template}_building`);
      const handle = openPostgres(urlFor(`${template}_building`), 1);
      await handle.migrate();
      await handle.close();
      // Renamed only once complete, so a crashed build is never used as a template.
      await session.unsafe(`ALTER DATABASE ${template}_building RENAME TO ${template}`);
    } finally {
      await session`SELECT pg_advisory_unlock(hashtext(${template}))`;
      session.release();
    }
  };
  return async (options = {}) => {
    ready ??= prepare();
    await ready;
    const name = `ancu_t_${process.pid}_${++counter}`;
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    const handle = openPostgres(urlFor(name), options.poolSize ?? 20);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  };
}

// Every file below dir, as paths relative to it, sorted: what a published dataset holds.
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk(join(d, e.name)) : out.push(relative(dir, join(d, e.name))));
  };
  walk(dir);
  return out.sort();
}
