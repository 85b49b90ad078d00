// In Chromium, without JavaScript: a recorder signs in and records 40 labour days of an army unit on
// a house, proposes a payment and adds a stage photo; an approver approves the payment and publishes;
// the public house page shows all three, and visitors were served the old site until the swap.
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../db/client';
import { verifyLedger } from '../../src/domain/verify';
import { buildStaffWorld, PASSWORD, PLAIN_PDF } from '../db/staff-world';
import { give } from '../db/world';
import { launchBrowser, type RunningServer } from './browser';
import { ensureBuilt, stageServer, swappableSite, type StagedServer, type SwappableSite } from './staff-server';
import sharp from 'sharp';
import { inArray } from 'drizzle-orm';

const drivers = (['pglite', 'postgres'] as const).filter((d) => d === 'pglite' || process.env.DATABASE_URL);

for (const driver of drivers) {
  describe(`staff workspace in Chromium (${driver})`, () => {
    let staged: StagedServer;
    let server: RunningServer;
    let browser: Browser;
    let site: SwappableSite;
    let house = { houseId: 0, publicCode: '' };

    beforeAll(async () => {
      await ensureBuilt();
      staged = await stageServer(driver, async (handle) => {
        const world = await buildStaffWorld(handle.db);
        house = world.houses[0]!;
        await give(handle.db, world, { amountVnd: 30_000_000, target: { type: 'house', houseId: house.houseId } });
      });
      site = swappableSite(`publish-${driver}`);
      server = await staged.start(site.entry);
      browser = await launchBrowser();
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await staged?.cleanup();
      site?.cleanup();
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

    it('records 40 labour days by an army unit, a second person approves a payment, and publishing shows both on the public page', async () => {
      const recorder = await signedIn('thu');
      expect(new URL(recorder.url()).pathname).toBe('/staff/labour');
      await recorder.fill('input[name=house]', house.publicCode);
      await recorder.fill('input[name=organisation]', 'Đại đội Công binh 1, Bộ CHQS tỉnh');
      await recorder.selectOption('select[name=unit]', 'army');
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
      await recorder.check('input[name=method][value=cash]');
      await recorder.fill('input[name=sourceAccount]', 'Quỹ tiền mặt văn phòng MTTQ huyện');
      await recorder.setInputFiles('input[name=receipt]', { name: 'bien-ban.pdf', mimeType: 'application/pdf', buffer: PLAIN_PDF });
      await recorder.click('button.primary');
      expect(await recorder.textContent('[data-testid=outcome]')).toMatch(/chỉ được ghi sổ sau khi một người khác duyệt/);
      await recorder.click('[data-testid=outcome] a');
      expect(await recorder.textContent('[data-testid=status]')).toMatch(/chờ duyệt/);
      const receipt = await recorder.context().request.get(`${server.url}${await recorder.getAttribute('[data-testid=receipt]', 'href')}`);
      expect(receipt.headers()['content-type']).toBe('application/pdf');
      expect(Buffer.from(await receipt.body()).equals(PLAIN_PDF)).toBe(true);
      // A recorder sees no approve button (the route test shows the gate refuses a forged POST too).
      expect(await recorder.locator('button[value=approve]').count()).toBe(0);

      const approver = await signedIn('hanh');
      await approver.goto(`${server.url}/staff/disbursements`);
      await approver.click('text=Tạm ứng đợt 1 mua vật liệu >> xpath=../td[1]/a');
      expect(await approver.textContent('[data-testid=amount]')).toBe('12.000.000 ₫');
      await approver.click('button[value=approve]');
      expect(await approver.textContent('[data-testid=outcome]')).toMatch(/Đã duyệt khoản chi #\d+; đã ghi sổ/);
      expect(await approver.textContent('[data-testid=status]')).toMatch(/đã duyệt/);
      expect(await approver.textContent('[data-testid=recipient]')).toBe('Hoàng Văn Thử 1');
      await approver.screenshot({ path: `/tmp/ancu-staff-approve-${driver}.png`, fullPage: true });

      await approver.goto(`${server.url}/staff/houses/${house.houseId}`);
      const housePage = await approver.textContent('main');
      expect(housePage).toMatch(/40 ngày công/);
      expect(housePage).toMatch(/12\.000\.000 ₫/);

      // A stage photo, uploaded by the recorder.
      await recorder.goto(`${server.url}/staff/houses/${house.houseId}`);
      await recorder.selectOption('select[name=stage]', 'approved');
      const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c0392b' } }).png().toBuffer();
      await recorder.setInputFiles('input[name=photo]', { name: 'nen-mong.png', mimeType: 'image/png', buffer: png });
      await recorder.click('form:has(input[name=photo]) button.primary');
      expect(await recorder.textContent('[data-testid=outcome]')).toMatch(/Đã tải ảnh lên \(400×300/);

      // Publish. Meanwhile a visitor keeps reading the open dataset: always the old one or the new one.
      const checkpoint = async () => {
        const response = await fetch(`${server.url}/du-lieu/checkpoint.json`);
        expect(response.status).toBe(200);
        return ((await response.json()) as { head_hash: string }).head_hash;
      };
      const oldHead = await checkpoint();
      await approver.goto(`${server.url}/staff/publish`);
      expect(await approver.textContent('[data-testid=last-publish]')).toMatch(/Chưa xuất bản lần nào/);
      const sent = { csrf: await approver.inputValue('input[name=csrf]'), submission: await approver.inputValue('input[name=submission]') };
      await approver.click('button:has-text("Xuất bản ngay")');
      // POST, redirect, GET: the status page, which a reload never sends again.
      expect(new URL(approver.url()).search).toBe('?started=now');
      expect(await approver.textContent('[data-testid=outcome]')).toMatch(/Đã bắt đầu xuất bản/);
      // The same form sent again (a resend from the browser's history) starts nothing and says so.
      const resent = await approver.context().request.post(`${server.url}/staff/publish`, { form: sent, headers: { Origin: server.url }, maxRedirects: 0 });
      expect(resent.status()).toBe(303);
      expect(resent.headers().location).toBe('/staff/publish?started=again');
      // A second publish while the first runs is refused with a reason.
      const second = approver.waitForResponse((r) => r.request().method() === 'POST');
      await approver.click('button:has-text("Xuất bản ngay")');
      expect((await second).status()).toBe(409);
      expect(await approver.textContent('[data-testid=outcome]')).toMatch(/Đang có một lần xuất bản chạy \(do hanh bắt đầu lúc \d{2}:\d{2}:\d{2}, giờ Việt Nam\)/);
      const seen: string[] = [];
      const deadline = Date.now() + 240_000;
      for (;;) {
        seen.push(await checkpoint());
        const home = await fetch(`${server.url}/`);
        expect(home.status).toBe(200);
        await approver.goto(`${server.url}/staff/publish`);
        const status = await approver.textContent('[data-testid=publish-status]');
        if (!/Đang xuất bản/.test(status ?? '')) break;
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await approver.textContent('[data-testid=last-publish]')).toMatch(/Lần xuất bản gần nhất.*hanh;\s+\d+ bút toán.*\d+ nhà/s);
      const newHead = await checkpoint();
      expect(newHead).not.toBe(oldHead);
      expect(seen[0]).toBe(oldHead);
      // Old until the swap, new after it: never anything else, never back.
      const firstNew = seen.indexOf(newHead);
      expect(seen.every((head, i) => head === (firstNew !== -1 && i >= firstNew ? newHead : oldHead))).toBe(true);
      await approver.screenshot({ path: `/tmp/ancu-staff-publish-${driver}.png`, fullPage: true });

      // The public, static house page now shows the labour days, the payment and the photo.
      const visitor = await (await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN' })).newPage();
      const publicPage = await visitor.goto(`${server.url}/nha/${house.publicCode}/`);
      expect(publicPage!.status()).toBe(200);
      const text = await visitor.textContent('main');
      expect(text).toMatch(/Ngày công: 40 ngày/);
      expect(text).toMatch(/Đại đội Công binh 1/);
      expect(await visitor.textContent('[data-testid=paid-cash]')).toBe('12.000.000 ₫');
      const img = visitor.locator('img[src^="/photos/"]');
      expect(await img.count()).toBe(1);
      expect(await img.getAttribute('width')).toBe('160');
      expect(await img.getAttribute('height')).toBe('120');
      expect(await img.getAttribute('loading')).toBe('lazy');
      const photo = await fetch(`${server.url}${await img.getAttribute('src')}`);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/jpeg');
      await visitor.screenshot({ path: `/tmp/ancu-public-house-${driver}.png`, fullPage: true });

      await server.stop();
      const handle = await staged.open();
      const audits = await handle.db.select({ action: schema.auditLog.action, outcome: schema.auditLog.outcome, actor: schema.auditLog.actor })
        .from(schema.auditLog).where(inArray(schema.auditLog.action, ['site.publish', 'site.publish.done', 'site.publish.failed'])).orderBy(schema.auditLog.id);
      expect(audits).toEqual([
        { action: 'site.publish', outcome: 'ok', actor: 'hanh' },
        // The resent form: logged, nothing started.
        { action: 'site.publish', outcome: 'ok', actor: 'hanh' },
        { action: 'site.publish', outcome: 'refused', actor: 'hanh' },
        { action: 'site.publish.done', outcome: 'ok', actor: 'hanh' },
      ]);
      const [labour] = await handle.db.select().from(schema.contributions).where(eq(schema.contributions.kind, 'labour'));
      expect(labour).toMatchObject({ amountVnd: 8_000_000, targetHouseId: house.houseId, details: { personDays: 40, organisation: 'Đại đội Công binh 1, Bộ CHQS tỉnh' } });
      const [payment] = await handle.db.select().from(schema.disbursements);
      expect(payment).toMatchObject({ status: 'approved', recordedBy: 'thu', decidedBy: 'hanh', amountVnd: 12_000_000 });
      expect(payment!.entryId).not.toBeNull();
      expect((await verifyLedger(handle.db)).ok).toBe(true);
    }, 360_000);
  });
}
