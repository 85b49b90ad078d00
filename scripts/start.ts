// npm start — migrate the embedded database, seed the demo when it is empty, publish the open dataset, build, and serve.
// The site folder (dist/, or ANCU_SITE_DIR) gets the layout the staff Publish button swaps: see src/publish/site.ts.
import { spawn } from 'node:child_process';
import { openDatabase } from '../db/client';
import { generateDemo } from '../src/domain/demo/generate';
import { isEmpty, loadDemo } from '../src/domain/demo/load';
import { seedDemoPhotos } from '../src/domain/demo/photos';
import { join } from 'node:path';
import { activateBuild, buildSite, siteLayout } from '../src/publish/site';
import { progress, runCli } from './lib/cli';

// Runs a child command with the same terminal, failing loudly with its exit code.
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

await runCli(async () => {
  const handle = openDatabase();
  console.log(`[1/4] Database: ${handle.driver} at ${handle.location}; applying migrations ...`);
  await handle.migrate();
  if (await isEmpty(handle.db)) {
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
  await handle.close();
  console.log('[4/4] Switching to the new build ...');
  await activateBuild(layout, build.id, { withServer: true });
  const host = process.env.HOST ?? '127.0.0.1';
  const port = process.env.PORT ?? '4321';
  console.log(`Serving An Cư at http://${host}:${port} (Ctrl+C to stop)`);
  await run(process.execPath, [join(layout.server, 'entry.mjs')], { ...process.env, HOST: host, PORT: port });
});
