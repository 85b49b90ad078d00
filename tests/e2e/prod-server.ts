// The production server (scripts/serve.ts) and the command scripts as an operator runs them: separate
// processes, a built site folder, an embedded data folder or a PostgreSQL database.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './browser';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Runs `tsx scripts/<name>.ts args`, feeding `input` on standard input; `onOutput` sees stdout as it comes.
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, input = '', onOutput: (stdout: string) => void = () => {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; onOutput(stdout); });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ProdServer {
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
}

// Starts `tsx scripts/serve.ts` and waits until /healthz answers 200.
export async function startProdServer(env: NodeJS.ProcessEnv, script = 'serve'): Promise<ProdServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a shared 2-core machine tsx compiling the server graph alone can take a minute.
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer within 240 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

// Signs in through the login form as a browser would; 303 is success.
export async function signInStatus(base: string, username: string, password: string): Promise<number> {
  const page = await fetch(`${base}/staff/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${base}/staff/login`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ csrf, username, password }),
  });
  return response.status;
}
