// Shared plumbing for command-line entry points: --help and usage, clear errors, progress lines, one exit
// path, and the rule that a command needing the embedded database runs through the server when it owns it.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DbHandle } from '../../db/client';
import { causesOf, hasCode } from '../../db/pg-errors';
import { DomainError } from '../../src/domain/errors';

/** Where a command writes: the terminal, or the admin channel back to the caller's terminal. */
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}

export interface CommandContext extends CommandIO {
  /** The caller's working directory: relative paths in arguments are relative to it. */
  cwd: string;
  /** What `prepare` read in the caller's terminal (a password), if anything. */
  input: string | undefined;
  /** The database: the server's own handle when run through it (closing it then does nothing). */
  open(): DbHandle;
}

export interface Args {
  flags: Record<string, string>;
  positionals: string[];
}

export interface Command {
  /** The npm script name, e.g. "staff:add". */
  name: string;
  usage: string;
  flags: string[];
  /** How many arguments without a flag it takes. */
  positionals?: number;
  /** Needs the database: with PGlite it then runs through the server that owns the folder. */
  database: boolean;
  /** Runs in the caller's terminal before anything else (asking for a password); its result is `input`. */
  prepare?(args: Args): Promise<string | undefined>;
  run(ctx: CommandContext, args: Args): Promise<number | void>;
}

export class UsageError extends Error {}

// Reads --name value pairs and positionals; --help asks for the usage; unknown flags are an error so typos do not pass.
export function parseArgs(argv: string[], command: Pick<Command, 'flags' | 'positionals'>): Args | 'help' {
  const flags: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (!arg.startsWith('--')) {
      if (positionals.length >= (command.positionals ?? 0)) throw new UsageError(`Đối số không mong đợi / Unexpected argument "${arg}".`);
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (!command.flags.includes(name)) throw new UsageError(`Không có tùy chọn / Unknown flag --${name}.`);
    flags[name] = inline ?? (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'true');
  }
  return { flags, positionals };
}

// For the benchmark scripts (flags only): --help prints the usage, an unknown flag the usage too, never a stack.
export function parseFlags(argv: string[], known: string[], usage = `Flags: ${known.map((k) => `--${k}`).join(', ')}`): Record<string, string> {
  let parsed: Args | 'help';
  try {
    parsed = parseArgs(argv, { flags: known });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    console.log(usage);
    process.exit(0);
  }
  return parsed.flags;
}

/** PostgreSQL's code for a missing table: the database was never migrated, or is behind the code. */
const UNDEFINED_TABLE = new Set(['42P01']);

// A refusal prints its message in both languages and what to do; anything else its stack.
export function describeError(error: unknown): string[] {
  if (error instanceof DomainError) return [`Lỗi: ${error.message}`, `Error: ${error.messageEn}`];
  if (error instanceof UsageError) return [error.message];
  const lines = [error instanceof Error ? (error.stack ?? error.message) : String(error)];
  const causes = causesOf(error).slice(1);
  for (const cause of causes) lines.push(`Caused by: ${cause instanceof Error ? cause.message : String(cause)}`);
  if (hasCode(error, UNDEFINED_TABLE)) {
    lines.push('Cơ sở dữ liệu chưa có bảng hoặc chưa được cập nhật: chạy `npm run db:migrate` rồi thử lại. / The database has no tables yet, or is behind the code: run `npm run db:migrate`, then try again.');
  }
  if (/ECONNREFUSED|connect/.test(String((error as Error)?.message ?? error))) {
    lines.push('Hint: is PostgreSQL running at DATABASE_URL? Start it, or unset DATABASE_URL to use the embedded database.');
  }
  return lines;
}

// Runs a script's main; one exit path with the code it returns (1 on an error).
export async function runCli(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exit(code ?? 0);
  } catch (error) {
    for (const line of describeError(error)) console.error(line);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

const terminal: CommandIO = { out: (line) => console.log(line), err: (line) => console.error(line) };

// True when the module is the script node was started with (not imported by the server's command table).
export function isEntry(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

// The entry point of every command script: usage, then through the server or on its own database.
export async function runCommand(command: Command): Promise<void> {
  const argv = process.argv.slice(2);
  let args: Args | 'help';
  try {
    args = parseArgs(argv, command);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${command.usage}`);
    process.exit(2);
  }
  if (args === 'help') {
    console.log(command.usage);
    process.exit(0);
  }
  const parsed = args;
  await runCli(async () => {
    const input = await command.prepare?.(parsed);
    // Loaded here, not at the top: a command without a database (verify-dataset) starts without the drivers.
    const { embeddedDataDir, openDatabase } = await import('../../db/client');
    const { folderBusy, folderOwner } = await import('../../db/lock');
    const { runRemote } = await import('./admin-client');
    const dataDir = command.database ? embeddedDataDir() : null;
    const owner = dataDir ? folderOwner(dataDir) : null;
    if (dataDir && owner) {
      if (!owner.socket) throw folderBusy(dataDir, owner);
      console.error(`Máy chủ (pid ${owner.pid}) đang mở cơ sở dữ liệu: lệnh chạy qua máy chủ. / The server (pid ${owner.pid}) has the database open: running through it.`);
      return runRemote(owner.socket, { command: command.name, argv, cwd: process.cwd(), input: input ?? null }, terminal);
    }
    return command.run({ ...terminal, cwd: process.cwd(), input, open: () => openDatabase() }, parsed);
  });
}

// One progress line that rewrites itself on a terminal and prints plainly in CI logs and through the server.
export function progress(label: string, io?: CommandIO): (done: number, total?: number) => void {
  let lastPrinted = 0;
  return (done, total) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - lastPrinted < 1000) return;
    lastPrinted = now;
    const text = total ? `${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${Math.round((done / total) * 100)}%)` : `${label}: ${done.toLocaleString('en')}`;
    if (io) io.out(text);
    else if (process.stdout.isTTY) process.stdout.write(`\r${text}${finished ? '\n' : ''}`);
    else console.log(text);
  };
}

// Progress for a job of several named stages: one progress line per stage name.
export function stagedProgress(io?: CommandIO): (what: string, done: number, total?: number) => void {
  const lines = new Map<string, ReturnType<typeof progress>>();
  return (what, done, total) => {
    if (!lines.has(what)) lines.set(what, progress(what, io));
    lines.get(what)!(done, total);
  };
}
