// The server's side of the admin channel: a Unix socket (mode 0600, so only the operator's account and
// root can connect) on which commands run in the server process with the server's own database handle.
// Why not @electric-sql/pglite-socket: PGlite has one session, so the socket server holds the database
// exclusively for a client's whole connection (the site stalls meanwhile), takes one connection at a time
// (a postgres.js pool queues or fails), listens on TCP without authentication, and our seeding relies on
// COPY FROM STDIN. Running the command's own code on the server's handle has none of these problems.
import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DbHandle } from '../../db/client';
import { logEvent } from '../../src/log';
import { describeError, parseArgs, type Command } from './cli';
import { adminRequestSchema, lineReader, type AdminReply } from './admin-client';

// Beside the data folder; a Unix socket path is limited to ~107 bytes, so long ones go to the temp folder.
export function adminSocketPath(dataDir: string): string {
  const beside = `${resolve(dataDir)}.sock`;
  if (Buffer.byteLength(beside) < 100) return beside;
  return join(tmpdir(), `ancu-${createHash('sha256').update(beside).digest('hex').slice(0, 16)}.sock`);
}

export interface AdminChannel {
  path: string;
  /** Stops accepting commands and waits for the running ones to finish. */
  close(): Promise<void>;
}

// Listens for commands; each runs with a borrowed handle whose close() leaves the server's database open.
export async function startAdminChannel(handle: DbHandle, path: string, commands: Map<string, Command>): Promise<AdminChannel> {
  rmSync(path, { force: true }); // a socket file left by a killed server
  const running = new Set<Promise<void>>();
  const borrowed: DbHandle = { ...handle, close: async () => {} };
  const server: Server = createServer((socket) => {
    let started = false;
    const send = (reply: AdminReply) => { if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`); };
    socket.on('error', () => {}); // the caller went away: the command still finishes
    socket.on('data', lineReader((line) => {
      if (started) return;
      started = true;
      const job = (async () => {
        const parsed = adminRequestSchema.safeParse((() => { try { return JSON.parse(line); } catch { return null; } })());
        const command = parsed.success ? commands.get(parsed.data.command) : undefined;
        if (!parsed.success || !command) {
          send({ err: 'Yêu cầu không hợp lệ / Invalid request.' });
          send({ exit: 2 });
          return;
        }
        const { argv, cwd, input } = parsed.data;
        const began = Date.now();
        let code = 1;
        try {
          const args = parseArgs(argv, command);
          if (args === 'help') {
            send({ out: command.usage });
            code = 0;
          } else {
            code = (await command.run({ out: (text) => send({ out: text }), err: (text) => send({ err: text }), cwd, input: input ?? undefined, open: () => borrowed }, args)) ?? 0;
          }
        } catch (error) {
          for (const text of describeError(error)) send({ err: text });
        }
        logEvent(code === 0 ? 'info' : 'warn', 'admin.command', { command: command.name, exit_code: code, elapsed_ms: Date.now() - began });
        send({ exit: code });
      })().finally(() => { running.delete(job); socket.end(); });
      running.add(job);
    }));
  });
  const mask = process.umask(0o177);
  try {
    await new Promise<void>((done, fail) => { server.once('error', fail); server.listen(path, () => done()); });
  } finally {
    process.umask(mask);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      await Promise.allSettled([...running]);
      rmSync(path, { force: true });
    },
  };
}
