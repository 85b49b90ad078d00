// npm run seed:demo — fills an empty database with the demo campaign (deterministic for --seed).
import { openDatabase } from '../db/client';
import { FULL_DEMO, generateDemo } from '../src/domain/demo/generate';
import { isEmpty, loadDemo } from '../src/domain/demo/load';
import { seedDemoPhotos } from '../src/domain/demo/photos';
import { parseFlags, progress, runCli } from './lib/cli';

await runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), ['seed', 'houses', 'contributions', 'if-empty']);
  const options = {
    ...FULL_DEMO,
    seed: Number(flags.seed ?? FULL_DEMO.seed),
    houses: Number(flags.houses ?? FULL_DEMO.houses),
    cashContributions: Number(flags.contributions ?? FULL_DEMO.cashContributions),
  };
  for (const [name, value] of Object.entries(options)) {
    if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) throw new Error(`--${name} must be a whole number, got ${value}`);
  }
  const handle = openDatabase();
  console.log(`Seeding demo data into the ${handle.driver} database at ${handle.location} ...`);
  await handle.migrate();
  if (!(await isEmpty(handle.db))) {
    await handle.close();
    if (flags['if-empty']) {
      console.log('The database already has data: seeding skipped.');
      return 0;
    }
    console.error('The database already has a campaign: demo data goes only into an empty database.');
    console.error('Use a fresh data folder (delete ./data/pglite) or a new database, then run npm run seed:demo again.');
    return 1;
  }
  let started = Date.now();
  const data = generateDemo(options);
  console.log(`Generated ${data.houses.length} houses, ${data.contributions.length} contributions, ${data.entries.length} journal entries in ${Date.now() - started} ms (seed ${options.seed}).`);
  started = Date.now();
  await loadDemo(handle, data, progress('rows written'));
  console.log(`Demo data written in ${Date.now() - started} ms.`);
  console.log(`Drew ${await seedDemoPhotos(handle.db)} illustrative stage photos (labelled as such) into ${process.env.PHOTOS_DIR ?? 'data/photos'}.`);
  await handle.close();
});
