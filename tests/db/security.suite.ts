// Security rules that live in the database layer, on each driver: the open dataset's CSV is
// formula-safe while its JSON keeps the exact name; free text with control characters is refused
// before anything is written; a household's private fields reach only those allowed, each view audited.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { publishDataset } from '../../src/publish/export';
import { FILES } from '../../src/publish/format';
import { listAudit } from '../../src/staff/audit';
import { houseForStaff } from '../../src/staff/queries';
import type { FreshDb } from './harness';
import { buildStaffWorld, contextOf, type StaffWorld } from './staff-world';
import { tableDigests } from './digest';
import { give } from './world';
import { refusal } from '../refusal';

const FORMULAS = ['=HYPERLINK("http://evil.example","Bấm vào")', '+cmd|calc', '@SUM(A1:A9)', '-1+1'];

export function securitySuite(driver: string, fresh: FreshDb): void {
  describe(`security in the data layer (${driver})`, () => {
    let handle: DbHandle;
    let world: StaffWorld;
    beforeEach(async () => {
      handle = await fresh();
      world = await buildStaffWorld(handle.db);
    });
    afterEach(async () => {
      await handle?.close();
    });

    it('writes donor names that look like formulas as text in every CSV, and exactly in the JSON', async () => {
      for (const name of FORMULAS) await give(handle.db, world, { donor: { kind: 'individual', displayName: name } });
      const out = mkdtempSync(join(tmpdir(), 'ancu-sec-dataset-'));
      try {
        await publishDataset(handle.db, out);
        const csv = readFileSync(join(out, FILES.contributionsCsv), 'utf8');
        const cells = csv.split(/\r\n/).flatMap((line) => line.split(','));
        for (const name of FORMULAS) {
          expect(cells.some((cell) => /^"?[=+\-@]/.test(cell) && !/^-?\d/.test(cell)), name).toBe(false);
          expect(csv).toContain(`'${name.replace(/"/g, '""')}`);
        }
        const json = readFileSync(join(out, FILES.ledgerPage(1)), 'utf8');
        for (const name of FORMULAS) expect(json).toContain(JSON.stringify(name));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('refuses names, items and reasons carrying control or direction characters, and writes nothing', async () => {
      const before = await tableDigests(handle.db, { except: ['audit_log'] });
      for (const bad of ['Nguyễn\u0000Văn', 'Chuông\u0007', 'Thoát\u001b[2J', 'Dòng\r\nmới', 'Tên\u202Eđảo', 'Ẩn\u200Bkhông']) {
        expect(await refusal(() => give(handle.db, world, { donor: { kind: 'individual', displayName: bad } }))).toMatchObject({ status: 400, code: 'invalid_input' });
      }
      expect(await tableDigests(handle.db, { except: ['audit_log'] })).toEqual(before);
      // Ordinary Vietnamese, typed decomposed, is kept and stored composed.
      await give(handle.db, world, { donor: { kind: 'business', displayName: 'Công ty Đồng Tâm – Chi nhánh Bắc Kạn'.normalize('NFD') } });
      const out = mkdtempSync(join(tmpdir(), 'ancu-sec-dataset-'));
      try {
        await publishDataset(handle.db, out);
        expect(readFileSync(join(out, FILES.contributionsCsv), 'utf8')).toContain('Công ty Đồng Tâm – Chi nhánh Bắc Kạn'.normalize('NFC'));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

    it('shows a household\'s ID number, phone and address to its area\'s recorder and approvers only, auditing each view', async () => {
      const houseId = world.houses[0]!.houseId;
      const seen: Record<string, string | null> = {};
      for (const username of ['thu', 'duc', 'hanh', 'admin', 'kiem']) {
        const house = (await houseForStaff(await contextOf(handle.db, username), houseId))!;
        seen[username] = house.household.nationalId;
        if (!house.privateShown) expect([house.household.phone, house.household.address]).toEqual([null, null]);
      }
      expect(seen).toEqual({ thu: '006200000000', duc: null, hanh: '006200000000', admin: null, kiem: null });
      const views = await listAudit(handle.db, { action: 'household.private_view' });
      expect(views.map((v) => v.actor).sort()).toEqual(['hanh', 'thu']);
    });
  });
}
