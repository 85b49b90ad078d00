// npm run bank:virtual-accounts -- <numbers and ranges> : loads the virtual account numbers the fund's
// bank gave (e.g. "9630001000-9630001999,9630005555"); house and commune pledges by transfer take them.
import { isEntry, runCommand, UsageError, type Command } from './lib/cli';
import { loadVirtualAccounts, parseVirtualAccountSpec, virtualAccountCounts } from '../src/payments/virtual-accounts';

const USAGE = `Nạp số tài khoản ảo / Load virtual account numbers.
Usage: npm run bank:virtual-accounts -- <list>
  <list>   numbers and ranges from the bank, separated by commas or spaces: 9630001000-9630001999,9630005555
  --help   this text`;

export const command: Command = {
  name: 'bank:virtual-accounts',
  usage: USAGE,
  flags: [],
  positionals: 1,
  database: true,
  run: async (ctx, { positionals }) => {
    if (!positionals[0]) throw new UsageError(`Cần danh sách số / A list of numbers is required.\n\n${USAGE}`);
    const numbers = parseVirtualAccountSpec(positionals[0]);
    const handle = ctx.open();
    try {
      await handle.migrate();
      const added = await loadVirtualAccounts(handle.db, numbers);
      const { total, free } = await virtualAccountCounts(handle.db);
      ctx.out(`${added} new of ${numbers.length} numbers loaded; ${Number(total)} virtual accounts in all, ${Number(free)} free.`);
      return 0;
    } finally {
      await handle.close();
    }
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
