import postgres from 'postgres';
import { openPostgres } from '/work/wt/engine2/db/client';
import { recordCashContribution } from '/work/wt/engine2/src/domain/contributions';
import { benchWorld } from '/work/wt/engine2/scripts/lib/bench';
const url = 'postgres://postgres@127.0.0.1:5432/ancu_engine2_prof';
const admin = postgres('postgres://postgres@127.0.0.1:5432/ancu_engine2', { max: 1, onnotice: () => {} });
await admin.unsafe('DROP DATABASE IF EXISTS ancu_engine2_prof WITH (FORCE)'); await admin.unsafe('CREATE DATABASE ancu_engine2_prof');
const setup = openPostgres(url, 2); await setup.migrate(); const { campaignId, communes, houses } = await benchWorld(setup.db); await setup.close();
const h = openPostgres(url, 1);
const houseIds = houses.map((x) => x.houseId);
for (const kind of (process.env.KINDS ?? 'general,house,commune').split(',')) {
  const n = Number(process.env.N ?? 150); const cpu0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const target = kind === 'house' ? { type: 'house', houseId: houseIds[i % houseIds.length] } : kind === 'commune' ? { type: 'commune', areaId: communes[i % 10] } : { type: 'general' };
    await recordCashContribution(h.db, { idempotencyKey: `p-${kind}-${i}`, campaignId, channel: 'bank_transfer', amountVnd: 200_000, target, receivedAt: new Date(), donor: { kind: 'individual', displayName: `N ${i}` } });
  }
  const cpu = process.cpuUsage(cpu0); const wall = performance.now() - t0;
  console.log(`${kind}: ${(wall / n).toFixed(2)} ms/gift wall, client CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/gift`);
}
const t0 = performance.now(); const c = postgres(url, { max: 1 }); for (let i = 0; i < 150; i++) await c`INSERT INTO bench_plain (amount_vnd, note) VALUES (${i}, 'x')`; console.log(`bare insert ${((performance.now() - t0) / 150).toFixed(2)} ms`); await c.end();
await h.close(); await admin.end();
