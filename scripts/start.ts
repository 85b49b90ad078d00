// npm start — migrate, seed the demo when the database is empty, publish the open dataset, build, and serve.
// One process does it all and owns the database throughout: commands run meanwhile go through it.
// The site folder (dist/, or ANCU_SITE_DIR) gets the layout the staff Publish button swaps: see src/publish/site.ts.
import { generateDemo } from '../src/domain/demo/generate';
import { isEmpty, loadDemo } from '../src/domain/demo/load';
import { seedDemoPhotos } from '../src/domain/demo/photos';
import { activateBuild, buildSite, siteLayout } from '../src/publish/site';
import { parseArgs, progress, runCli, UsageError } from './lib/cli';
import { listenAddress, openOwned, serve } from './serve';

const USAGE = `Khởi động An Cư / Start An Cư: migrate, seed the demo into an empty database, publish, build, serve.
Usage: npm start -- [--no-demo]
  --no-demo   never write the demo campaign (a real deployment)
  HOST, PORT (default 127.0.0.1:4321), DATABASE_URL or PGLITE_DIR choose where it listens and its database.`;

const args = (() => {
  try {
    return parseArgs(process.argv.slice(2), { flags: ['no-demo'] });
  } catch (error) {
    console.error(`${(error as UsageError).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
if (args === 'help') {
  console.log(USAGE);
  process.exit(0);
}

await runCli(async () => {
  const owned = await openOwned();
  const { handle } = owned;
  console.log(`[1/4] Database: ${handle.driver} at ${handle.location}; applying migrations ...`);
  await handle.migrate();
  if (args.flags['no-demo']) {
    console.log('[2/4] --no-demo: no seeding.');
  } else if (await isEmpty(handle.db)) {
    console.log('[2/4] The database is empty: generating the demo campaign (about half a minute, once) ...');
    await loadDemo(handle, generateDemo(), progress('demo rows written'));
    console.log(`Drew ${await seedDemoPhotos(handle.db)} illustrative stage photos, labelled as such.`);
  } else {
    console.log('[2/4] The database already has data: no seeding.');
  }
  // The same layout and steps as the workspace's Publish button, so later publishes can swap the site in place.
  const layout = siteLayout();
  console.log(`[3/4] Publishing the open dataset and building the site into ${layout.root} ...`);
  const build = await buildSite(handle.db, layout, (stage) => console.log(stage === 'dataset' ? 'Writing the open dataset ...' : 'Building the site from the dataset ...'));
  const published = build.dataset;
  console.log(`Published ${published.entries.toLocaleString('en')} journal entries, ${published.contributions.toLocaleString('en')} contributions, ${published.houses.toLocaleString('en')} houses.`);
  console.log('[4/4] Switching to the new build ...');
  await activateBuild(layout, build.id, { withServer: true });
  const { host, port } = listenAddress();
  await serve(owned, layout, host, port);
});
