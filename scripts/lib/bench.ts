// What every PostgreSQL benchmark starts with: its own scratch database, made anew, and the machine described.
import os from 'node:os';
import postgres from 'postgres';
import { redactUrl, type Db } from '../../db/client';
import { createArea, createCampaign } from '../../src/domain/campaigns';
import { DEMO_CAMPAIGN } from '../../src/domain/demo/generate';
import { registerHouseProject } from '../../src/domain/houses';

export interface Scratch {
  /** A connection to the server's default database, for dropping the scratch one at the end. */
  admin: postgres.Sql;
  /** DATABASE_URL pointed at the scratch database. */
  url: URL;
  /** The scratch database's name: the configured one's, suffixed. */
  name: string;
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
  // Named after the configured database, so two people benchmarking one server do not drop each other's.
  name = `${url.pathname.slice(1) || 'postgres'}_${name}`.replace(/[^a-z0-9_]/gi, '_');
  url.pathname = `/${name}`;
  const drop = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  await drop();
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const [version] = await admin`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`;
  console.log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${version!.v} (synchronous_commit=${version!.sc}) at ${redactUrl(baseUrl)}`);
  return { admin, url, name, drop };
}

export interface BenchWorld {
  campaignId: number;
  communes: number[];
  houses: { houseId: number; areaId: number }[];
}

// The campaign the benchmarks post into: ten communes, 400 new-build houses, and a plain table for bare INSERTs.
export async function benchWorld(db: Db): Promise<BenchWorld> {
  const { id: _id, ...campaign } = DEMO_CAMPAIGN;
  const campaignId = await createCampaign(db, campaign);
  const province = await createArea(db, { code: 'P', name: 'Tỉnh', level: 'province', parentId: null });
  const communes: number[] = [];
  for (let c = 0; c < 10; c++) communes.push(await createArea(db, { code: `C${c}`, name: `Xã ${c}`, level: 'commune', parentId: province }));
  const houses: BenchWorld['houses'] = [];
  for (let h = 0; h < 400; h++) {
    const areaId = communes[h % 10]!;
    const { houseId } = await registerHouseProject(db, { campaignId, areaId, type: 'new_build', minutesRef: 'BB', approvedOn: '2024-08-01', household: { headFullName: `Hộ ${h}`, povertyStatus: 'poor', members: 3 } });
    houses.push({ houseId, areaId });
  }
  await db.execute('CREATE TABLE bench_plain (id bigserial PRIMARY KEY, amount_vnd bigint NOT NULL, note text NOT NULL)');
  return { campaignId, communes, houses };
}
