// What every PostgreSQL benchmark starts with: its own scratch database, made anew, and the machine described.
import os from 'node:os';
import postgres from 'postgres';
import { redactUrl } from '../../db/client';

export interface Scratch {
  /** A connection to the server's default database, for dropping the scratch one at the end. */
  admin: postgres.Sql;
  /** DATABASE_URL pointed at the scratch database. */
  url: URL;
  drop(): Promise<void>;
}

// Undefined (after saying how to run it) when DATABASE_URL is not set: benchmarks measure a real server.
export async function scratchDatabase(script: string, name: string): Promise<Scratch | undefined> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    console.error(`${script} measures a real PostgreSQL: set DATABASE_URL, e.g.`);
    console.error(`  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run ${script}`);
    return undefined;
  }
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  await drop();
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const [version] = await admin`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`;
  console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version!.v} (synchronous_commit=${version!.sc}) at ${redactUrl(baseUrl)}`);
  return { admin, url, drop };
}
