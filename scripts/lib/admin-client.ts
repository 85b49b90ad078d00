// The caller's side of the admin channel: sends one command to the server that owns the embedded
// database and relays what it prints. Messages are JSON, one per line, both ways.
import { createConnection } from 'node:net';
import { z } from 'zod';
import type { CommandIO } from './cli';

export const adminRequestSchema = z.object({
  command: z.string().min(1).max(40),
  argv: z.array(z.string().max(4096)).max(64),
  cwd: z.string().min(1).max(4096),
  input: z.string().max(4096).nullable(),
});
export type AdminRequest = z.infer<typeof adminRequestSchema>;

export const adminReplySchema = z.union([
  z.object({ out: z.string() }),
  z.object({ err: z.string() }),
  z.object({ exit: z.number().int() }),
]);
export type AdminReply = z.infer<typeof adminReplySchema>;

// Splits a byte stream into lines, for both ends.
export function lineReader(onLine: (line: string) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let cut;
    while ((cut = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, cut));
      pending = pending.slice(cut + 1);
    }
  };
}

// Resolves with the command's exit code; a channel that closes without one is an error, not a success.
export function runRemote(socketPath: string, request: AdminRequest, io: CommandIO): Promise<number> {
  return new Promise((resolve, reject) => {
    let code: number | undefined;
    const socket = createConnection(socketPath, () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', lineReader((line) => {
      const reply = adminReplySchema.parse(JSON.parse(line));
      if ('out' in reply) io.out(reply.out);
      else if ('err' in reply) io.err(reply.err);
      else code = reply.exit;
    }));
    socket.on('error', (error) => reject(new Error(`The server's admin channel at ${socketPath} did not answer (${(error as NodeJS.ErrnoException).code ?? error.message}). Is the server still running?`)));
    socket.on('close', () => (code === undefined ? reject(new Error('The server closed the admin channel before the command finished (did it stop?). Check with npm run ledger:verify.')) : resolve(code)));
  });
}
