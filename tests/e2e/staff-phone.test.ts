// On a phone, in Chromium, with JavaScript off and on: every staff page a role can open fits a 360-px screen
// without sideways scrolling, the menu folds into one button, and on a 390-px phone a recorder records "2.000"
// bricks (saved as two thousand), a truck shared by three houses and 40 labour days, and an approver limited to
// the district allocates from the "houses still short" table.
import { and, eq, inArray } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/client';
import { staffRoutes, can } from '../../src/staff/permissions';
import { buildStaffWorld, PASSWORD, roleUsernames } from '../db/staff-world';
import { give } from '../db/world';
import { saveStaffUser } from '../../src/staff/accounts';
import { launchBrowser, type RunningServer } from './browser';
import { ensureBuilt, stageServer, type StagedServer } from './staff-server';

const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 360, height: 740 };

describe('staff workspace on a 390-px phone (pglite)', () => {
  let staged: StagedServer;
  let server: RunningServer;
  let browser: Browser;
  let house = { houseId: 0, publicCode: '' };
  let truckHouses: { houseId: number; publicCode: string }[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    staged = await stageServer('pglite', async (handle) => {
      const world = await buildStaffWorld(handle.db, 4);
      house = world.houses[0]!;
      truckHouses = world.houses.slice(1);
      await give(handle.db, world, { amountVnd: 5_000_000, target: { type: 'house', houseId: house.houseId } });
      await give(handle.db, world, { amountVnd: 40_000_000, target: { type: 'general' } });
      // An approver for the district only (both communes of the test world).
      await saveStaffUser(handle.db, { username: 'dung', displayName: 'Lý Thị Dung', role: 'approver', areaCodes: ['T-D'], password: PASSWORD });
    });
    server = await staged.start();
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await staged?.cleanup();
  });

  async function signedIn(username: string, javaScriptEnabled: boolean, viewport = PHONE): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, locale: 'vi-VN', viewport, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/staff/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    return page;
  }

  // Wider than the screen means the page scrolls sideways; a table may scroll inside its own box.
  // Downloads (CSV, PDF) are files, not pages: the browser saves them instead of laying them out.
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  for (const javaScriptEnabled of [false, true]) {
    it(`fits every page each role can open on a 360-px screen, with the menu folded into one button (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const wide: string[] = [];
      for (const [role, username] of Object.entries(roleUsernames)) {
        const page = await signedIn(username, javaScriptEnabled, SMALL_PHONE);
        const pages = staffRoutes.filter((r) => r.methods.GET && r.methods.GET !== 'public' && can(role as never, r.methods.GET) && !/\.(csv|pdf)$/.test(r.pattern))
          .map((r) => r.pattern.replace('[id]', String(r.pattern.includes('houses') ? house.houseId : 1)));
        for (const path of pages) {
          const response = await page.goto(`${server.url}${path}`);
          if (response?.status() !== 200 && response?.status() !== 404) wide.push(`${role} ${path}: HTTP ${response?.status()}`);
          const extra = await overflow(page);
          if (extra > 0) wide.push(`${role} ${path}: ${extra}px too wide`);
        }
        await page.context().close();
      }
      expect(wide).toEqual([]);
      const page = await signedIn('thu', javaScriptEnabled);
      await page.goto(`${server.url}/staff/in-kind`);
      expect(await page.isVisible('nav.wide')).toBe(false);
      expect(await page.isVisible('details.narrow a[href="/staff/labour"]')).toBe(false);
      await page.click('details.narrow summary');
      await page.click('details.narrow a[href="/staff/labour"]');
      expect(new URL(page.url()).pathname).toBe('/staff/labour');
      await page.context().close();
    }, 240_000);
  }

  for (const javaScriptEnabled of [false, true]) {
    it(`records a truck shared by three houses and the commune, then 40 labour days, on the phone (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const page = await signedIn('thu', javaScriptEnabled);
      await page.goto(`${server.url}/staff/in-kind`);
      await page.fill('input[name=donorName]', 'Công ty Xi măng Bắc Kạn');
      for (const [i, { publicCode }] of truckHouses.entries()) {
        await page.fill(`input[name=item${i}House]`, publicCode);
        await page.fill(`input[name=item${i}Name]`, 'Xi măng PCB40');
        await page.fill(`input[name=item${i}Quantity]`, '3');
        await page.fill(`input[name=item${i}Unit]`, 'tấn');
        await page.fill(`input[name=item${i}UnitPrice]`, '1.600.000');
      }
      await page.fill('input[name=item3Name]', 'Gạch đặc');
      await page.fill('input[name=item3Quantity]', '2.000');
      await page.fill('input[name=item3Unit]', 'viên');
      await page.fill('input[name=item3Total]', '3.000.000');
      const box = await page.locator('input[name=item2House]').boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(40);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      expect(await overflow(page)).toBe(0);
      await page.click('button.primary');
      const outcome = await page.textContent('[data-testid=outcome]');
      expect(outcome).toContain('Đã ghi hiện vật trị giá 17.400.000 ₫');
      for (const { publicCode } of truckHouses) expect(outcome).toContain(`nhà ${publicCode}: Xi măng PCB40: 3 tấn × 1.600.000 ₫ = 4.800.000 ₫`);
      expect(outcome).toContain('Xã A giữ cho các nhà: Gạch đặc: 2.000 viên × 1.500 ₫ = 3.000.000 ₫');
      expect(await overflow(page)).toBe(0);

      await page.goto(`${server.url}/staff/labour?house=${truckHouses[0]!.publicCode}`);
      await page.fill('input[name=organisation]', 'Đại đội Công binh 3');
      await page.selectOption('select[name=unit]', 'army');
      await page.fill('input[name=people]', '20');
      await page.fill('input[name=days]', '2');
      await page.click('button.primary');
      expect(await page.textContent('[data-testid=outcome]')).toMatch(/Đã ghi 40 ngày công của Đại đội Công binh 3/);
      expect(await overflow(page)).toBe(0);
      await page.context().close();
    }, 120_000);
  }

  it('lets an administrator add a recorder on the phone, who then signs in to record; once disabled, the recorder is told so (JavaScript off)', async () => {
    const admin = await signedIn('admin', false);
    await admin.goto(`${server.url}/staff/accounts`);
    const form = admin.locator('[data-testid=add-account]');
    await form.locator('input[name=username]').fill('lan.xa');
    await form.locator('input[name=displayName]').fill('Nông Thị Lan');
    await form.locator('select[name=role]').selectOption('recorder');
    await form.locator('input[name=areas]').fill('T-D-A');
    await form.locator('input[name=password]').fill('Đồi-chè-xanh-2025');
    await form.locator('button.primary').click();
    expect(await admin.textContent('[data-testid=outcome]')).toMatch(/Đã tạo tài khoản lan\.xa \(Người ghi sổ\)/);
    expect(await admin.locator('tr', { hasText: 'lan.xa' }).locator('[data-testid=areas]').textContent()).toMatch(/Xã A/);
    expect(await overflow(admin)).toBe(0);

    const lan = await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN', viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await lan.newPage();
    const signIn = async () => {
      await page.goto(`${server.url}/staff/login`);
      await page.fill('input[name=username]', 'lan.xa');
      await page.fill('input[name=password]', 'Đồi-chè-xanh-2025');
      await page.click('button[type=submit]');
    };
    await signIn();
    await page.goto(`${server.url}/staff/in-kind`);
    expect(new URL(page.url()).pathname).toBe('/staff/in-kind');

    await admin.locator('tr', { hasText: 'lan.xa' }).locator('button[value=disable]').click();
    expect(await admin.textContent('[data-testid=outcome]')).toMatch(/Đã vô hiệu hóa tài khoản lan\.xa\./);
    await admin.context().close();
    await signIn();
    expect(await page.textContent('[data-testid=outcome]')).toMatch(/đã bị quản trị viên vô hiệu hóa/);
    await lan.close();
  }, 120_000);

  it('records 2.000 bricks with a unit price and 40 labour days, and an approver allocates from the "still short" table, on the phone without JavaScript', async () => {
    const page = await signedIn('thu', false);
    await page.goto(`${server.url}/staff/in-kind?house=${house.publicCode}`);
    await page.fill('input[name=donorName]', 'Công ty Gạch Tuynel Chợ Mới');
    await page.fill('input[name=item0Name]', 'Gạch đặc');
    await page.fill('input[name=item0Quantity]', '2.000');
    await page.fill('input[name=item0Unit]', 'viên');
    await page.fill('input[name=item0UnitPrice]', '1.500');
    await page.fill('input[name=item1Name]', 'Tôn');
    await page.fill('input[name=item1Quantity]', '2.50');
    await page.fill('input[name=item1Unit]', 'tấm');
    await page.fill('input[name=item1Total]', '500.000');
    const inputBox = await page.locator('input[name=item0Quantity]').boundingBox();
    expect(inputBox!.height).toBeGreaterThanOrEqual(40);
    expect(inputBox!.x + inputBox!.width).toBeLessThanOrEqual(PHONE.width);
    await page.click('button.primary');
    // The ambiguous quantity is refused beside its field, and what was typed is kept.
    expect(await page.textContent('#item1Quantity-error')).toMatch(/"2\.50" không rõ nghĩa/);
    expect(await page.inputValue('input[name=item0Quantity]')).toBe('2.000');
    expect(await overflow(page)).toBe(0);
    await page.fill('input[name=item1Quantity]', '25');
    await page.click('button.primary');
    expect(await page.textContent('[data-testid=outcome]')).toMatch(/Gạch đặc: 2\.000 viên × 1\.500 ₫ = 3\.000\.000 ₫; Tôn: 25 tấm × 20\.000 ₫ = 500\.000 ₫/);

    await page.goto(`${server.url}/staff/labour`);
    await page.fill('input[name=house]', house.publicCode);
    await page.fill('input[name=organisation]', 'Đoàn Thanh niên xã');
    await page.selectOption('select[name=unit]', 'youth_union');
    await page.fill('input[name=people]', '20');
    await page.fill('input[name=days]', '2');
    await page.click('button.primary');
    expect(await page.textContent('[data-testid=outcome]')).toMatch(/Đã ghi 40 ngày công/);
    expect(await overflow(page)).toBe(0);
    await page.context().close();

    // An approver of the district allocates from the "houses still short" table: the action fills in the house and the shortfall.
    const approver = await signedIn('dung', false);
    await approver.goto(`${server.url}/staff/allocations`);
    const row = approver.locator('[data-testid=still-short] tr', { hasText: house.publicCode });
    expect(await row.textContent()).toMatch(/21\.500\.000 ₫/);
    await row.locator('a', { hasText: 'Phân bổ' }).click();
    expect(await approver.inputValue('input[name=house]')).toBe(house.publicCode);
    expect(await approver.inputValue('input[name=amount]')).toBe('21.500.000');
    await approver.fill('input[name=decisionRef]', 'QĐ 12/QĐ-MTTQ');
    await approver.click('button.primary');
    expect(await approver.textContent('[data-testid=outcome]')).toMatch(/Đã phân bổ 21\.500\.000 ₫ cho nhà/);
    expect(await approver.locator('[data-testid=still-short]').textContent()).not.toContain(house.publicCode);
    expect(await overflow(approver)).toBe(0);
    await approver.context().close();

    await server.stop();
    // The staged database is closed by cleanup.
    const handle = await staged.open();
    const [gift] = await handle.db.select().from(schema.contributions).where(and(eq(schema.contributions.kind, 'in_kind'), eq(schema.contributions.targetHouseId, house.houseId)));
    expect((gift!.details as { items: { quantity: number }[] }).items.map((i) => i.quantity)).toEqual([2000, 25]);
    expect(gift!.amountVnd).toBe(3_500_000);
    const [funded] = await handle.db.select().from(schema.houses).where(eq(schema.houses.id, house.houseId));
    expect(funded!.allocatedVnd).toBe(funded!.budgetVnd);
    // The two trucks (JavaScript off and on): one receipt each, every house credited 4.800.000 ₫ twice, the bricks held by the commune.
    const trucks = await handle.db.select().from(schema.contributions).where(and(eq(schema.contributions.kind, 'in_kind'), eq(schema.contributions.targetType, 'commune')));
    expect(trucks.map((t) => t.amountVnd)).toEqual([17_400_000, 17_400_000]);
    const served = await handle.db.select().from(schema.houses).where(inArray(schema.houses.id, truckHouses.map((h) => h.houseId))).orderBy(schema.houses.id);
    expect(served.map((h) => h.allocatedVnd)).toEqual([9_600_000, 9_600_000, 9_600_000]);
  }, 120_000);
});
