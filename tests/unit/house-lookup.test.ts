// House pages rendered on request find their house by its one line of houses.json, not the parsed list:
// every house (first, middle, last, non-ASCII text) comes back whole, an unknown code is undefined, and
// a new publish is seen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSink, JsonArraySink } from '../../src/publish/files';
import { FILES } from '../../src/publish/format';
import { dataset } from '../../src/publish/read';

const houseOf = (id: number, head: string, area = 'X') => ({ id, code: `BK-${String(id).padStart(5, '0')}`, area_code: area, head, stages: [{ stage: 'approved', on: '2024-08-01', photos: [] }] });

async function publish(dir: string, houses: unknown[], version: string): Promise<void> {
  const list = await JsonArraySink.open(dir, FILES.houses, () => {});
  for (const house of houses) await list.push(house);
  await list.close();
  const checkpoint = await FileSink.open(dir, FILES.checkpoint, () => {});
  await checkpoint.write(JSON.stringify({ generated_at: version }));
  await checkpoint.close();
}

describe('houseByCode', () => {
  let dir: string;
  const before = process.env.ANCU_DATASET_DIR;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ancu-house-lookup-'));
    process.env.ANCU_DATASET_DIR = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.ANCU_DATASET_DIR;
    else process.env.ANCU_DATASET_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads each house from its own line, whole', async () => {
    const houses = [houseOf(1, 'Nguyễn Văn "A", Bình'), houseOf(2, 'T.T.H'), houseOf(3, 'Lê Thị Ánh')];
    await publish(dir, houses, '2025-01-01T00:00:00Z');
    for (const house of houses) expect(dataset.houseByCode(house.code)).toEqual(house);
    expect(dataset.houseByCode('BK-99999')).toBeUndefined();
    expect(dataset.houseByCode('')).toBeUndefined();
  });

  it('sees the houses of a new publish', async () => {
    await publish(dir, [houseOf(1, 'Người Mới'), houseOf(7, 'Thêm')], '2025-01-02T00:00:00Z');
    expect(dataset.houseByCode('BK-00001')?.head).toBe('Người Mới');
    expect(dataset.houseByCode('BK-00007')?.head).toBe('Thêm');
    expect(dataset.houseByCode('BK-00003')).toBeUndefined();
  });

  it("finds a commune's houses in list order, and none for a commune without any", async () => {
    const houses = [houseOf(1, 'An', 'BK-01-01'), houseOf(2, 'Bình', 'BK-01-02'), houseOf(3, 'Chi "C"', 'BK-01-01'), houseOf(4, 'Dũng', 'BK-01-01')];
    await publish(dir, houses, '2025-01-03T00:00:00Z');
    expect(dataset.housesIn('BK-01-01')).toEqual([houses[0], houses[2], houses[3]]);
    expect(dataset.housesIn('BK-01-02')).toEqual([houses[1]]);
    expect(dataset.housesIn('BK-09-09')).toEqual([]);
  });
});
