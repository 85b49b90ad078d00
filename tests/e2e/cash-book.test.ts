// The two-sided sao kê in Chromium against the built site (small demo): each line's balance follows
// from the one before it, the page and month totals add up, and the bank account's last balance is the
// ledger's (the checkpoint's cash_bank); the pages, rendered on request, answer 304 and 404 as house pages do;
// the reconciliation page renders.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASH_BOOK_FILES, type CashBookIndex } from '../../src/publish/cash-book';
import { FILES, type Checkpoint, type PublicHouse } from '../../src/publish/format';
import { formatVnd } from '../../src/i18n/format';
import { ensureBuilt, launchBrowser, startServer, type RunningServer } from './browser';

const dataset = resolve('.build', 'e2e-dataset');
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await ensureBuilt();
  server = await startServer({ ANCU_DATASET_DIR: dataset });
  browser = await launchBrowser();
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('two-sided sao kê in the browser', () => {
  it('reads running balances that follow line by line and end at the ledger', async () => {
    const index = JSON.parse(readFileSync(resolve(dataset, CASH_BOOK_FILES.index), 'utf8')) as CashBookIndex;
    const checkpoint = JSON.parse(readFileSync(resolve(dataset, FILES.checkpoint), 'utf8')) as Checkpoint;
    const page = await browser.newPage();
    await page.goto(`${server.url}/sao-ke/so-quy/`);
    const monthLinks = await page.locator('[data-testid="cash-book-cash_bank"] tbody th a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    const months = index.accounts.find((a) => a.account === 'cash_bank')!.months;
    expect(monthLinks.length).toBe(months.length);
    expect(months.length).toBeGreaterThan(0);
    // The last month, page by page: every balance is the previous one plus in minus out.
    const last = months.at(-1)!;
    let balance = last.opening_vnd;
    for (let p = 1; p <= last.pages; p++) {
      const response = await page.goto(`${monthLinks.at(-1)!.replace(/1\/$/, '')}${p}/`);
      expect(response?.status()).toBe(200);
      const rows = await page.locator('[data-testid="cash-book-rows"] tbody tr[data-entry]').evaluateAll((trs) => trs.map((tr) => ({
        in: Number(tr.querySelector('[data-in-vnd]')!.getAttribute('data-in-vnd')),
        out: Number(tr.querySelector('[data-out-vnd]')!.getAttribute('data-out-vnd')),
        balance: Number(tr.querySelector('[data-balance-vnd]')!.getAttribute('data-balance-vnd')),
        shown: tr.querySelector('[data-balance-vnd]')!.textContent,
      })));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        balance += row.in - row.out;
        expect(row.balance).toBe(balance);
        expect(row.shown).toBe(formatVnd(row.balance));
      }
      const pageIn = rows.reduce((s, r) => s + r.in, 0);
      expect(await page.getByTestId('page-in').textContent()).toBe(formatVnd(pageIn));
    }
    expect(balance).toBe(last.closing_vnd);
    expect(balance).toBe(checkpoint.account_balances.cash_bank ?? 0);
    expect(await page.getByTestId('month-closing').textContent()).toBe(formatVnd(balance));
    // Goods and labour on their own tabs: labour in people and days, its value only as a labelled estimate.
    expect(index.units.labour.pages).toBeGreaterThan(0);
    expect(index.units.in_kind.pages).toBeGreaterThan(0);
    await page.goto(`${server.url}/sao-ke/so-quy/`);
    await page.getByTestId('tab-labour').click();
    expect(page.url()).toBe(`${server.url}/sao-ke/ngay-cong/1/`);
    expect(await page.locator('[data-testid="units-labour"] thead th').allTextContents()).toEqual(['Ngày', 'Đơn vị', 'Số người', 'Số ngày', 'Ngày công', 'Giá trị ước tính (không phải tiền)']);
    expect((await page.goto(`${server.url}/en/sao-ke/hien-vat/1/`))?.status()).toBe(200);
    expect(await page.locator('[data-testid="units-in_kind"] tbody tr').count()).toBeGreaterThan(0);
    // Rendered on request: revalidated with the publish's ETag, and only the accounts, months and pages the dataset holds.
    const lastPage = `${server.url}/sao-ke/so-quy/ngan-hang/${last.month}/${last.pages}/`;
    const etag = (await fetch(lastPage)).headers.get('etag')!;
    expect((await fetch(lastPage, { headers: { 'if-none-match': etag } })).status).toBe(304);
    for (const path of [`/sao-ke/so-quy/ngan-hang/${last.month}/${last.pages + 1}/`, `/sao-ke/so-quy/ngan-hang/${last.month}/01/`, '/sao-ke/so-quy/ngan-hang/1999-01/1/',
      `/sao-ke/so-quy/khong-co/${last.month}/1/`, `/sao-ke/hien-vat/${index.units.in_kind.pages + 1}/`, '/sao-ke/khong-co/1/', '/fr/sao-ke/ngay-cong/1/']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
    const reconciliation = await page.goto(`${server.url}/doi-soat/`);
    expect(reconciliation?.status()).toBe(200);
    await page.close();
  }, 120_000);

  it("shows a state-funded handed-over house its state support paid, by source, and labour only in days", async () => {
    const houses = JSON.parse(readFileSync(resolve(dataset, FILES.houses), 'utf8')) as PublicHouse[];
    const house = houses.find((h) => h.stage === 'handed_over' && h.funding.state_budget_vnd > 0)!;
    expect(house).toBeDefined();
    const page = await browser.newPage();
    expect((await page.goto(`${server.url}/nha/${house.code}/`))?.status()).toBe(200);
    expect(await page.getByTestId('paid-state_budget').textContent()).toBe(formatVnd(house.funding.state_budget_vnd));
    expect(await page.getByTestId('paid-total').textContent()).toBe(formatVnd(house.paid.total_vnd));
    expect(await page.locator('[data-testid="house-state-payments"] tbody tr').allTextContents()).toEqual([expect.stringContaining(`UNC-${house.code}`)]);
    expect(await page.content()).not.toContain('Chưa có khoản chi nào');
    // No money column holds labour: its days and estimate are a sentence of their own.
    expect(await page.getByTestId('paid-labour').textContent()).toContain('không phải tiền');
    await page.close();
  }, 120_000);
});
