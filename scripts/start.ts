// npm start — migrate the embedded database, seed the demo when it is empty, publish the open dataset, build, and serve.
import { spawn } from 'node:child_process';
import { openDatabase } from '../db/client';
import { generateDemo } from '../src/domain/demo/generate';
import { isEmpty, loadDemo } from '../src/domain/demo/load';
import { publishDataset } from '../src/publish/export';
import { datasetDir } from '../src/publish/read';
import { progress, runCli, stagedProgress } from './lib/cli';

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
  } else {
    console.log('[2/4] The database already has data: no seeding.');
  }
  console.log(`[3/4] Publishing the open dataset into ${datasetDir()} ...`);
  const published = await publishDataset(handle.db, datasetDir(), { onProgress: stagedProgress() });
  console.log(`Published ${published.entries.toLocaleString('en')} journal entries, ${published.contributions.toLocaleString('en')} contributions, ${published.houses.toLocaleString('en')} houses.`);
  await handle.close();
  console.log('[4/4] Building the site from the dataset ...');
  await run('npx', ['astro', 'build']);
  const host = process.env.HOST ?? '127.0.0.1';
  const port = process.env.PORT ?? '4321';
  console.log(`Serving An Cư at http://${host}:${port} (Ctrl+C to stop)`);
  await run(process.execPath, ['dist/server/entry.mjs'], { ...process.env, HOST: host, PORT: port });
});
