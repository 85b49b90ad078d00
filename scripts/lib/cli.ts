// Shared plumbing for command-line entry points: clear errors, progress lines, one exit path.
import { DomainError } from '../../src/domain/errors';

// Runs a script's main; a known refusal prints its message and what to do, anything else its stack.
export async function runCli(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exit(code ?? 0);
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`Lỗi: ${error.message}\nError: ${error.messageEn}`);
    } else {
      console.error(error);
    }
    const message = String((error as Error)?.message ?? error);
    if (/ECONNREFUSED|connect/.test(message)) {
      console.error('Hint: is PostgreSQL running at DATABASE_URL? Start it, or unset DATABASE_URL to use the embedded database.');
    }
    process.exit(1);
  }
}

// One progress line that rewrites itself on a terminal and prints plainly in CI logs.
export function progress(label: string): (done: number, total?: number) => void {
  let lastPrinted = 0;
  return (done, total) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - lastPrinted < 1000) return;
    lastPrinted = now;
    const text = total ? `${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${Math.round((done / total) * 100)}%)` : `${label}: ${done.toLocaleString('en')}`;
    if (process.stdout.isTTY) process.stdout.write(`\r${text}${finished ? '\n' : ''}`);
    else console.log(text);
  };
}

// Reads --name value pairs; unknown flags are an error so typos do not pass silently.
export function parseFlags(argv: string[], known: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}". Known flags: ${known.map((k) => `--${k}`).join(', ')}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (!known.includes(name)) throw new Error(`Unknown flag --${name}. Known flags: ${known.map((k) => `--${k}`).join(', ')}`);
    flags[name] = inline ?? (argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'true');
  }
  return flags;
}

// Progress for a job of several named stages: one progress line per stage name.
export function stagedProgress(): (what: string, done: number, total?: number) => void {
  const lines = new Map<string, ReturnType<typeof progress>>();
  return (what, done, total) => {
    if (!lines.has(what)) lines.set(what, progress(what));
    lines.get(what)!(done, total);
  };
}
