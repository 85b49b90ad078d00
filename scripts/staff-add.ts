// npm run staff:add -- --username thu --role recorder --areas BK-01 [--name "Hoàng Thị Thu"] [--reset]
// The password is read from standard input (piped) or asked for twice on a terminal; never from argv.
import { createInterface } from 'node:readline';
import { openDatabase } from '../db/client';
import { saveStaffUser } from '../src/staff/accounts';
import { passwordProblems } from '../src/staff/password';
import { parseFlags, runCli } from './lib/cli';

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

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ['username', 'role', 'areas', 'name', 'reset']);
  if (!flags.username || !flags.role) {
    throw new Error('Usage: npm run staff:add -- --username NAME --role administrator|recorder|approver|auditor [--areas CODE,CODE] [--name "Display name"] [--reset]\nThe password is read from standard input or asked for.');
  }
  const password = await readPassword(flags.username);
  const handle = openDatabase();
  await handle.migrate();
  const user = await saveStaffUser(handle.db, {
    username: flags.username,
    displayName: flags.name ?? flags.username,
    role: flags.role,
    areaCodes: flags.areas ? flags.areas.split(',').map((code) => code.trim()).filter(Boolean) : [],
    password,
  }, { reset: flags.reset === 'true' });
  console.log(`${flags.reset === 'true' ? 'Updated' : 'Created'} ${user.role} "${user.username}" (${handle.driver} at ${handle.location}). Sign in at /staff/login.`);
  await handle.close();
});
