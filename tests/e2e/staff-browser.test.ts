// In Chromium, without JavaScript: a recorder signs in and records 40 labour days of an army unit on
// a house and proposes a payment; an approver signs in and approves it; the ledger shows both.
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/client';
import { verifyLedger } from '../../src/domain/verify';
import { buildStaffWorld, PASSWORD } from '../db/staff-world';
import { give } from '../db/world';
import { launchBrowser, type RunningServer } from './browser';
import { ensureBuilt, stageServer, type StagedServer } from './staff-server';

const drivers = (['pglite', 'postgres'] as const).filter((d) => d === 'pglite' || process.env.DATABASE_URL);

for (const driver of drivers) {
  describe(`staff workspace in Chromium (${driver})`, () => {
    let staged: StagedServer;
    let server: RunningServer;
    let browser: Browser;
    let house = { houseId: 0, publicCode: '' };

    beforeAll(async () => {
      await ensureBuilt();
      staged = await stageServer(driver, async (handle) => {
        const world = await buildStaffWorld(handle.db);
        house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: house.houseId } });
      });
      server = await staged.start();
      browser = await launchBrowser();
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await staged?.cleanup();
    });

    // Each person in their own browser context, with JavaScript off: the workspace is plain HTML forms.
    async function signedIn(username: string): Promise<Page> {
      const context = await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN' });
      const page = await context.newPage();
      await page.goto(`${server.url}/staff/labour`);
      expect(page.url()).toContain('/staff/login?next=');
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
      return page;
    }

    it('records 40 labour days by an army unit, and a second person approves a payment', async () => {
      const recorder = await signedIn('thu');
      expect(new URL(recorder.url()).pathname).toBe('/staff/labour');
      await recorder.fill('input[name=house]', house.publicCode);
      await recorder.fill('input[name=organisation]', 'Đại đội Công binh 1, Bộ CHQS tỉnh');
      await recorder.fill('input[name=people]', '20');
      await recorder.fill('input[name=days]', '2');
      await recorder.fill('input[name=workedOn]', '2025-04-12');
      await recorder.click('button.primary');
      const recorded = await recorder.textContent('[data-testid=outcome]');
      expect(recorded).toMatch(/Đã ghi 40 ngày công của Đại đội Công binh 1/);
      expect(recorded).toMatch(/ước tính: 8\.000\.000 ₫/);
      await recorder.screenshot({ path: `/tmp/ancu-staff-labour-${driver}.png`, fullPage: true });

      await recorder.goto(`${server.url}/staff/disbursements?house=${house.publicCode}`);
      await recorder.fill('input[name=amount]', '12.000.000');
      await recorder.fill('input[name=purpose]', 'Tạm ứng đợt 1 mua vật liệu');
      await recorder.click('button.primary');
      expect(await recorder.textContent('[data-testid=outcome]')).toMatch(/chỉ được ghi sổ sau khi một người khác duyệt/);
      await recorder.click('[data-testid=outcome] a');
      expect(await recorder.textContent('[data-testid=status]')).toMatch(/Chờ duyệt/);
      // A recorder sees no approve button (the route test shows the gate refuses a forged POST too).
      expect(await recorder.locator('button[value=approve]').count()).toBe(0);

      const approver = await signedIn('hanh');
      await approver.goto(`${server.url}/staff/disbursements`);
      await approver.click('text=Tạm ứng đợt 1 mua vật liệu >> xpath=../td[1]/a');
      expect(await approver.textContent('[data-testid=amount]')).toBe('12.000.000 ₫');
      await approver.click('button[value=approve]');
      expect(await approver.textContent('[data-testid=outcome]')).toMatch(/Đã duyệt khoản chi #\d+; đã ghi sổ/);
      expect(await approver.textContent('[data-testid=status]')).toMatch(/Đã duyệt/);
      await approver.screenshot({ path: `/tmp/ancu-staff-approve-${driver}.png`, fullPage: true });

      await approver.goto(`${server.url}/staff/houses/${house.houseId}`);
      const housePage = await approver.textContent('main');
      expect(housePage).toMatch(/40 ngày công/);
      expect(housePage).toMatch(/12\.000\.000 ₫/);

      await server.stop();
      const handle = await staged.open();
      const [labour] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.kind, 'labour'));
      expect(labour).toMatchObject({ amountVnd: 8_000_000, targetHouseId: house.houseId, details: { personDays: 40, organisation: 'Đại đội Công binh 1, Bộ CHQS tỉnh' } });
      const [payment] = await handle.db.select().from(schema.disbursements);
      expect(payment).toMatchObject({ status: 'approved', recordedBy: 'thu', decidedBy: 'hanh', amountVnd: 12_000_000 });
      expect(payment!.entryId).not.toBeNull();
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    });
  });
}
