// npm run ledger:backfill-records — commits, once, the public records of houses, heads of household,
// stages and photos registered before the chain committed them, so ledger:verify checks them too.
import { backfillRecords } from '../src/domain/public-records';
import { isEntry, runCommand, type Command } from './lib/cli';

export const command: Command = {
  name: 'ledger:backfill-records',
  usage: `Ghi bản ghi công khai còn thiếu / Commit the public records of houses, heads, stages and photos from before records existed.
Usage: npm run ledger:backfill-records   (safe to run again: it commits only what has no record yet)`,
  flags: [],
  database: true,
  run: async (ctx) => {
    const handle = ctx.open();
    try {
      const { committed } = await backfillRecords(handle.db);
      ctx.out(committed
        ? `Đã ghi ${committed} bản ghi công khai vào chuỗi. Committed ${committed} public record(s) to the chain; run npm run ledger:verify.`
        : 'Không còn gì để ghi. Every published house, head, stage and photo already has its record.');
    } finally {
      await handle.close();
    }
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
