// npm run seed:demo — fills an empty database with the demo campaign (deterministic for --seed).
import { FULL_DEMO, generateDemo } from '../src/domain/demo/generate';
import { isEmpty, loadDemo } from '../src/domain/demo/load';
import { isEntry, progress, runCommand, UsageError, type Command } from './lib/cli';
import { seedDemoPhotos } from '../src/domain/demo/photos';
import { demoStatementFiles } from '../src/domain/demo/statements';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const command: Command = {
  name: 'seed:demo',
  usage: `Dữ liệu mẫu / Fill an empty database with the demo campaign.
Usage: npm run seed:demo -- [--seed N] [--houses N] [--contributions N] [--if-empty]
  --if-empty   do nothing (exit 0) when the database already has data`,
  flags: ['seed', 'houses', 'contributions', 'if-empty'],
  database: true,
  run: async (ctx, { flags }) => {
    const options = {
      ...FULL_DEMO,
      seed: Number(flags.seed ?? FULL_DEMO.seed),
      houses: Number(flags.houses ?? FULL_DEMO.houses),
      cashContributions: Number(flags.contributions ?? FULL_DEMO.cashContributions),
    };
    for (const [name, value] of Object.entries(options)) {
      if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) throw new UsageError(`--${name} must be a whole number, got ${value}`);
    }
    const handle = ctx.open();
    try {
      ctx.out(`Seeding demo data into the ${handle.driver} database at ${handle.location} ...`);
      await handle.migrate();
      if (!(await isEmpty(handle.db))) {
        if (flags['if-empty']) {
          ctx.out('The database already has data: seeding skipped.');
          return 0;
        }
        ctx.err('The database already has a campaign: demo data goes only into an empty database.');
        ctx.err('Use a fresh data folder (delete ./data/pglite) or a new database, then run npm run seed:demo again.');
        return 1;
      }
      let started = Date.now();
      const data = generateDemo(options);
      ctx.out(`Generated ${data.houses.length} houses, ${data.contributions.length} contributions, ${data.entries.length} journal entries in ${Date.now() - started} ms (seed ${options.seed}).`);
      started = Date.now();
      await loadDemo(handle, data, progress('rows written', ctx));
      ctx.out(`Demo data written in ${Date.now() - started} ms.`);
      // The bank's monthly statements, as staff would download them: import any of them to see it recognised.
      const statementsDir = resolve(process.env.DEMO_STATEMENTS_DIR ?? 'data/demo-statements');
      mkdirSync(statementsDir, { recursive: true });
      const files = demoStatementFiles(data.statements);
      for (const file of files) writeFileSync(join(statementsDir, file.name), file.text);
      ctx.out(`Wrote ${files.length} monthly bank statements (Vietcombank layout, already imported and matched) into ${statementsDir}.`);
      ctx.out(`Drew ${await seedDemoPhotos(handle.db)} illustrative stage photos (labelled as such) into ${process.env.PHOTOS_DIR ?? 'data/photos'}.`);
    } finally {
      await handle.close();
    }
  },
};

if (isEntry(import.meta.url)) await runCommand(command);
