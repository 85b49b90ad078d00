// npm run serve — the production server for a built site folder (dist/ or ANCU_SITE_DIR): one process owns
// the database, pages share its handle, commands reach it over the admin channel (embedded database only),
// SIGTERM or Ctrl+C finishes the requests in flight and closes the database.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, setSharedDatabase, type DbHandle } from '../db/client';
import { updateFolderLock } from '../db/lock';
import { logEvent } from '../src/log';
import { siteLayout, type SiteLayout } from '../src/publish/site';
import { hasStaff, newFirstAdminToken, FIRST_ADMIN_PATH, type FirstAdminToken } from '../src/server/first-admin';
import { gracefulServer, productionHandler, type NodeHandler } from '../src/server/http';
import { adminSocketPath, startAdminChannel, type AdminChannel } from './lib/admin-channel';
import { adminCommands } from './lib/commands';
import { isEntry, parseFlags, runCli } from './lib/cli';

// Opens the database for the server and, with PGlite, the admin channel commands use while it runs.
export async function openOwned(): Promise<{ handle: DbHandle; channel: AdminChannel | null }> {
  const handle = openDatabase();
  if (!handle.dataDir) return { handle, channel: null };
  const channel = await startAdminChannel(handle, adminSocketPath(handle.dataDir), adminCommands);
  updateFolderLock(handle.dataDir, { socket: channel.path });
  return { handle, channel };
}

// Serves until SIGTERM/SIGINT; resolves once everything is closed.
export async function serve(owned: { handle: DbHandle; channel: AdminChannel | null }, layout: SiteLayout, host: string, port: number): Promise<void> {
  const { handle, channel } = owned;
  const entry = join(layout.server, 'entry.mjs');
  if (!existsSync(entry)) throw new Error(`No built server at ${entry}: run "npm start" (publishes and builds) or "npm run build" first.`);
  // Astro's pages and the staff Publish button use this process's handle and site folder.
  setSharedDatabase(handle);
  process.env.ANCU_SITE_DIR = layout.root;
  // House and ledger pages render on request from the dataset this server serves at /du-lieu/.
  process.env.ANCU_DATASET_DIR = join(layout.client, 'du-lieu');
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const astro = (await import(pathToFileURL(entry).href)) as { handler: NodeHandler };
  // Without any staff account, a one-time link creates the first administrator (printed below, nowhere else).
  const firstAdmin = (await hasStaff(handle.db)) ? null : newFirstAdminToken();
  const kept: FirstAdminToken | null = firstAdmin?.kept ?? null;
  const { server, stop } = gracefulServer(productionHandler({
    clientDir: layout.client,
    app: astro.handler,
    databaseAnswers: async () => (await queryRows<{ ok: number }>(handle.db, sql`SELECT 1 AS ok`))[0]?.ok === 1,
    firstAdmin: { db: handle.db, token: () => kept },
  }));
  await new Promise<void>((done, fail) => { server.once('error', fail); server.listen(port, host, () => done()); });
  const actualPort = (server.address() as { port: number }).port;
  if (handle.dataDir) updateFolderLock(handle.dataDir, { port: actualPort });
  logEvent('info', 'server.listening', { host, port: actualPort, driver: handle.driver });
  const origin = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${actualPort}`;
  console.log(`Serving An Cư at ${origin} (Ctrl+C to stop)`);
  if (firstAdmin) {
    console.log(`\nChưa có tài khoản nhân viên. Tạo quản trị viên đầu tiên (liên kết dùng một lần, hết hạn sau 30 phút):
No staff account yet. Create the first administrator (one-time link, valid 30 minutes):
  ${origin}${FIRST_ADMIN_PATH}?token=${firstAdmin.token}
(or: npm run staff:add -- --username NAME --role administrator)\n`);
  }
  await new Promise<void>((done) => {
    const shutdown = (signal: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      logEvent('info', 'server.stopping', { signal });
      void (async () => {
        await stop();
        await channel?.close();
        await handle.close();
        setSharedDatabase(undefined);
        logEvent('info', 'server.stopped', {});
        done();
      })();
    };
    const onTerm = () => shutdown('SIGTERM');
    const onInt = () => shutdown('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

export function listenAddress(): { host: string; port: number } {
  return { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) };
}

const USAGE = `Máy chủ / Serve the site already built in dist/ (or ANCU_SITE_DIR) with the production server.
Usage: npm run serve   (HOST, PORT, DATABASE_URL or PGLITE_DIR from the environment; see docs/deploy.md)`;

if (isEntry(import.meta.url)) {
  parseFlags(process.argv.slice(2), [], USAGE);
  await runCli(async () => {
    const owned = await openOwned();
    await owned.handle.migrate();
    const { host, port } = listenAddress();
    await serve(owned, siteLayout(), host, port);
  });
}
