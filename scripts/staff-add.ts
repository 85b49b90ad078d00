// npm run staff:add -- --username thu --role recorder --areas BK-01 [--name "Hoàng Thị Thu"] [--reset]
// The password is read from standard input (piped) or asked for twice on a terminal; never from argv.
import { createInterface } from 'node:readline';
import { saveStaffUser } from '../src/staff/accounts';
import { passwordProblems } from '../src/staff/password';
import { isEntry, runCommand, UsageError, type Command } from './lib/cli';

// Asks without echoing what is typed.
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    rl.question(prompt, (answer) => { rl.close(); process.stdout.write('\n'); resolve(answer); });
    output._writeToOutput = (s: string) => { if (s.startsWith(prompt)) process.stdout.write(prompt); };
  });
}

async function readPassword(username: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.split(/\r?\n/)[0] ?? '';
  }
  for (;;) {
    const first = await askHidden(`Mật khẩu cho ${username} / Password: `);
    const problems = passwordProblems(first, username);
    if (problems.length > 0) {
      for (const [vi, en] of problems) console.error(`  ${vi} / ${en}`);
      continue;
    }
    if ((await askHidden('Nhập lại / Repeat: ')) === first) return first;
    console.error('  Hai lần nhập không khớp. / The two entries differ.');
  }
}

const USAGE = `Tạo hoặc đặt lại tài khoản nhân viên / Create or reset a staff account.
Usage: npm run staff:add -- --username NAME --role administrator|recorder|approver|auditor [flags]
  --areas CODE,CODE   a recorder's areas (district or commune codes, e.g. BK-BB,BK-BB-01)
  --name "Tên"        the display name (default: the username)
  --reset             set a new password (and role/areas) on an existing account and unlock it
  --help              this text
The password is asked for twice without echo, or read from the first line of standard input:
  printf '%s\\n' "$PASSWORD" | npm run staff:add -- --username thu --role recorder --areas BK-BB
While the server runs on the embedded database, the account is created through it.`;

export const command: Command = {
  name: 'staff:add',
  usage: USAGE,
  flags: ['username', 'role', 'areas', 'name', 'reset'],
  database: true,
  prepare: async ({ flags }) => {
    if (!flags.username || !flags.role) throw new UsageError(`Cần --username và --role / --username and --role are required.\n\n${USAGE}`);
    return readPassword(flags.username);
  },
  run: async (ctx, { flags }) => {
    const handle = ctx.open();
    try {
      await handle.migrate();
      const user = await saveStaffUser(handle.db, {
        username: flags.username!,
        displayName: flags.name ?? flags.username!,
        role: flags.role!,
        areaCodes: flags.areas ? flags.areas.split(',').map((code) => code.trim()).filter(Boolean) : [],
        password: ctx.input ?? '',
      }, { reset: flags.reset === 'true' });
      ctx.out(`${flags.reset === 'true' ? 'Updated' : 'Created'} ${user.role} "${user.username}" (${handle.driver} at ${handle.location}). Sign in at /staff/login.`);
    } finally {
      await handle.close();
    }
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
