// Builds a fresh, migrated database per test: PGlite in memory, or a copy of a migrated template
// database on the PostgreSQL server at DATABASE_URL.
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import { openPglite, openPostgres, type DbHandle } from '../../db/client';

export type FreshDb = () => Promise<DbHandle>;

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

// One migrated template per worker; each test gets CREATE DATABASE ... TEMPLATE, dropped on close.
export function postgresFresh(url: string): FreshDb {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const template = `ancu_tpl_${process.pid}`;
  let ready: Promise<void> | undefined;
  let counter = 0;
  const urlFor = (name: string) => { const u = new URL(url); u.pathname = `/${name}`; return u.toString(); };
  const prepare = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
    await admin.unsafe(`CREATE DATABASE ${template}`);
    const handle = openPostgres(urlFor(template), 1);
    await handle.migrate();
    await handle.close();
  };
  return async () => {
    ready ??= prepare();
    await ready;
    const name = `ancu_t_${process.pid}_${++counter}`;
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    const handle = openPostgres(urlFor(name), 20);
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  };
}
