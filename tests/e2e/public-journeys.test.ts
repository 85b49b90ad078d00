// The public site walked as its real users walk it, in Debian's Chromium against the built server:
// a donor finds a house still short of money, gives by bank transfer, looks the pending gift up, and
// after the bank statement is imported sees it confirmed and traced to the house; a visitor lands on a
// missing page; a business downloads the PDF confirmation of its gift; a visitor asks a question, staff
// answer it and the answer appears; pages without interaction ship no JavaScript; every page kind fits a
// 320 px phone and a 1366 px screen without horizontal scroll.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../db/client';
import { generateDemo, SMALL_DEMO } from '../../src/domain/demo/generate';
import { loadDemo } from '../../src/domain/demo/load';
import { registerHouseProject } from '../../src/domain/houses';
import { publishDataset } from '../../src/publish/export';
import { FILES, type PublicArea, type PublicHouse } from '../../src/publish/format';
import { vietcombankCsv } from '../../scripts/lib/statement-fixture';
import { saveStaffUser } from '../../src/staff/accounts';
import { PASSWORD } from '../db/staff-world';
import { launchBrowser, startServer, type RunningServer } from './browser';

const root = resolve('.build', `journeys-test-${process.pid}`);
const dataDir = join(root, 'data');
const siteDir = join(root, 'site');
/** Screenshots are kept here for a person to look at; the folder is git-ignored. */
const screens = resolve('.build', 'screens');
const serverEnv = { PGLITE_DIR: join(root, 'pglite'), DATABASE_URL: '' };
let server: RunningServer;
let browser: Browser;
let short: PublicHouse[];
let allShort: PublicHouse[];
let areas: PublicArea[];

function* htmlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* htmlFiles(path);
    else if (name.endsWith('.html')) yield path;
  }
}

// House and ledger pages are rendered on request: every house page and the first ledger page in both languages, as served.
async function onDemandPages(): Promise<[string, string][]> {
  const houses = JSON.parse(readFileSync(join(dataDir, FILES.houses), 'utf8')) as PublicHouse[];
  const communes = (JSON.parse(readFileSync(join(dataDir, FILES.areas), 'utf8')) as PublicArea[]).filter((a) => a.level === 'commune' && a.parent_code);
  const paths = [...houses.map((h) => `/nha/${h.code}/`), ...communes.map((c) => `/khu-vuc/${c.parent_code}/${c.code}/`), '/sao-ke/1/', '/nha-con-thieu/'].flatMap((p) => [p, `/en${p}`]);
  return Promise.all(paths.map(async (path) => [path, await (await fetch(`${server.url}${path}`)).text()] as [string, string]));
}

// PGlite admits one process per data folder: the import command runs while the server is stopped.
async function importBank(file: string) {
  await server.stop();
  try {
    return await promisify(execFile)('npx', ['tsx', 'scripts/import-bank.ts', file], { env: { ...process.env, ...serverEnv }, encoding: 'utf8' });
  } finally {
    server = await startServer(serverEnv, join(siteDir, 'server', 'entry.mjs'));
  }
}

beforeAll(async () => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(screens, { recursive: true });
  const handle = openPglite(join(root, 'pglite'));
  await handle.migrate();
  await loadDemo(handle, generateDemo(SMALL_DEMO));
  // Three new approved houses, with nothing given yet, join whatever houses of the small demo are still short.
  const newHouses = [
    { areaId: 3, type: 'new_build', name: 'Hoàng Văn Bình' },
    { areaId: 4, type: 'repair', name: 'Lý Thị Mai' },
    { areaId: 12, type: 'new_build', name: 'Triệu Văn Sáng' },
  ] as const;
  const newCodes: string[] = [];
  for (const h of newHouses) {
    const { publicCode } = await registerHouseProject(handle.db, {
      campaignId: 1, areaId: h.areaId, type: h.type, minutesRef: '12/BB-BTTMT', approvedOn: '2025-10-20',
      household: { headFullName: h.name, povertyStatus: 'poor', members: 4 },
    });
    newCodes.push(publicCode);
  }
  await saveStaffUser(handle.db, { username: 'thu', displayName: 'Hoàng Thị Thu', role: 'recorder', areaCodes: ['BK-BB'], password: PASSWORD });
  await publishDataset(handle.db, dataDir);
  await handle.close();
  allShort = (JSON.parse(readFileSync(join(dataDir, FILES.houses), 'utf8')) as PublicHouse[]).filter((h) => h.remaining_vnd > 0);
  short = allShort.filter((h) => newCodes.includes(h.code));
  areas = JSON.parse(readFileSync(join(dataDir, FILES.areas), 'utf8')) as PublicArea[];

  const build = spawnSync('npx', ['astro', 'build', '--outDir', siteDir], { env: { ...process.env, ANCU_DATASET_DIR: dataDir }, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`astro build failed:\n${build.stdout}\n${build.stderr}`);
  server = await startServer(serverEnv, join(siteDir, 'server', 'entry.mjs'));
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('a donor finds a house still short of money, gives by transfer and follows the gift', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  });

  it('lists the houses still short, most lacking first, and filters them in the browser', async () => {
    expect(short).toHaveLength(3);
    await page.goto(`${server.url}/`);
    await page.getByTestId('donate-cta').getByRole('link', { name: 'Chọn một ngôi nhà còn thiếu tiền' }).click();
    await page.waitForURL(/\/nha-con-thieu\/$/);
    const codes = await page.locator('#short-houses tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.code));
    const expected = [...allShort].sort((a, b) => b.remaining_vnd - a.remaining_vnd || a.code.localeCompare(b.code)).map((h) => h.code);
    expect(codes).toEqual(expected);
    // The island hydrates when visible; choosing a district hides the other district's house.
    await page.getByTestId('short-shown').filter({ hasText: String(allShort.length) }).waitFor();
    await page.getByTestId('filter-district').selectOption('BK-BB');
    const inDistrict = allShort.filter((h) => areas.find((a) => a.code === h.area_code)?.parent_code === 'BK-BB').length;
    expect(inDistrict).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#short-houses tbody tr:not([hidden])').count()).toBe(inDistrict);
    expect(await page.getByTestId('short-shown').textContent()).toBe(`Đang hiện ${inDistrict} nhà`);
    await page.getByTestId('filter-district').selectOption('');
    await page.getByTestId('filter-type').selectOption('repair');
    const visible = await page.locator('#short-houses tbody tr:not([hidden])').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.code));
    expect(visible).toEqual(expected.filter((code) => allShort.find((h) => h.code === code)!.type === 'repair'));
  });

  it('donates to that house by transfer, finds the pending gift by its code, then sees it confirmed after the import', async () => {
    const house = short.find((h) => h.type === 'repair')!;
    await page.locator(`#short-houses tr[data-code="${house.code}"]`).getByRole('link', { name: 'Ủng hộ' }).click();
    await page.waitForURL(new RegExp(`/ung-ho/\\?house=${house.code}$`));
    expect(await page.locator('.demo').first().textContent()).toContain('Dữ liệu mẫu');
    await page.getByLabel('Hoặc số khác (đồng):').fill('1.500.000');
    await page.getByLabel('Tên hiển thị công khai:').fill('Gia đình Chị Lan');
    await page.getByRole('button', { name: 'Ủng hộ và nhận mã biên nhận' }).click();
    await page.waitForURL(/\/ung-ho\/AC[0-9A-Z]{8}$/);
    const code = (await page.getByTestId('receipt-code').textContent())!.trim();

    await page.getByTestId('lookup-link').click();
    await page.waitForURL(new RegExp(`/tra-cuu/\\?code=${code}$`));
    const pending = page.getByTestId('lookup-pledge');
    expect(await pending.getByTestId('status').getAttribute('data-status')).toBe('pending');
    const pendingText = await pending.textContent();
    expect(pendingText).toContain(`1.500.000 ₫ cho nhà ${house.code}`);
    expect(pendingText).toContain('Đang chờ tiền chuyển khoản');
    expect(await pending.getByTestId('vietqr').locator('svg').count()).toBe(1);
    const api = await (await fetch(`${server.url}/api/lookup?code=${code}`)).json();
    expect(api).toMatchObject({ status: 'pledged', pledge: { receipt_code: code, status: 'pending', amount_vnd: 1_500_000, house_code: house.code, donor: 'Gia đình Chị Lan' } });

    const statement = join(root, 'vcb.csv');
    writeFileSync(statement, vietcombankCsv([{ date: '02/11/2025 09:30', reference: 'FT-J1', creditVnd: 1_500_000, memo: `MBVCB.777.${code.toLowerCase()}.CT tu 0456 TRAN THI LAN` }], { openingVnd: 0 }));
    const run = await importBank(statement);
    expect(run.stdout).toMatch(/matched and confirmed: 1 transfers, 1\.500\.000 ₫/);

    await page.goto(`${server.url}/tra-cuu/?code=${code}`);
    await page.getByTestId('lookup-result').waitFor();
    expect(await page.getByTestId('lookup-pledge').count()).toBe(0);
    const houses = await page.getByTestId('lookup-house').locator('h3 a').allTextContents();
    expect(houses).toEqual([`Nhà ${house.code}`]);
    // Accounts are named in words, with the code beside them for whoever checks the journal.
    const accounts = await page.locator('[data-testid="lookup-result"] table').last().locator('tbody td:first-child').allTextContents();
    expect(accounts.some((a) => a.startsWith('Tài khoản ngân hàng của Quỹ'))).toBe(true);
    expect(accounts.some((a) => a.startsWith('Tiền cho nhà'))).toBe(true);
  }, 300_000);

  it('says "not found" for a code nobody was given, with a 404, in the page language', async () => {
    const vi = await fetch(`${server.url}/tra-cuu/?code=ACNOTREAL2`);
    expect(vi.status).toBe(404);
    const html = await vi.text();
    expect(html).toContain('<strong>Không tìm thấy:</strong> Không tìm thấy mã biên nhận ACNOTREAL2');
    expect(html).not.toContain('Yêu cầu không hợp lệ');
    const en = await (await fetch(`${server.url}/en/tra-cuu/?code=ACNOTREAL2`)).text();
    expect(en).toContain('<strong>Not found:</strong> No gift has receipt code ACNOTREAL2');
    const bad = await fetch(`${server.url}/tra-cuu/?code=%3Cx%3E`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Yêu cầu không hợp lệ');
  });
});

describe('a business gives and downloads the confirmation of its gift', () => {
  it('gives with its company name and tax code, and after the import downloads a PDF naming the gift, the house and the checkpoint', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const house = short.find((h) => h.type === 'new_build')!;
    await page.goto(`${server.url}/ung-ho/?house=${house.code}`);
    await page.getByLabel('Hoặc số khác (đồng):').fill('7.250.000');
    await page.getByLabel('Tên hiển thị công khai:').fill('Công ty Hòa Bình');
    await page.getByLabel('Tên doanh nghiệp:').fill('Công ty TNHH Xây dựng Hòa Bình');
    await page.getByLabel('Mã số thuế:').fill('01012345');
    await page.getByRole('button', { name: 'Ủng hộ và nhận mã biên nhận' }).click();
    // A tax code of 8 digits is refused beside its field, and nothing is recorded.
    expect(await page.locator('p.error').allTextContents()).toEqual([expect.stringContaining('Mã số thuế gồm 10 chữ số')]);
    await page.getByLabel('Mã số thuế:').fill('0101234567');
    await page.getByRole('button', { name: 'Ủng hộ và nhận mã biên nhận' }).click();
    await page.waitForURL(/\/ung-ho\/AC[0-9A-Z]{8}$/);
    const code = (await page.getByTestId('receipt-code').textContent())!.trim();
    // The tax code is private: not on the receipt, nor in the lookup's answer.
    expect(await page.content()).not.toContain('0101234567');
    expect(await (await fetch(`${server.url}/api/lookup?code=${code}`)).text()).not.toContain('0101234567');

    const statement = join(root, 'vcb-business.csv');
    writeFileSync(statement, vietcombankCsv([{ date: '03/11/2025 10:00', reference: 'FT-B1', creditVnd: 7_250_000, memo: `CTY HOA BINH ${code} UNG HO` }], { openingVnd: 0 }));
    expect((await importBank(statement)).stdout).toMatch(/matched and confirmed: 1 transfers/);

    await page.goto(`${server.url}/tra-cuu/?code=${code}`);
    await page.getByTestId('confirm-link').click();
    await page.waitForURL(new RegExp(`/xac-nhan/\\?code=${code}$`));
    // Another company's tax code gets nothing.
    await page.getByLabel('Mã số thuế').fill('0309876543');
    await page.getByRole('button', { name: 'Tải giấy xác nhận (PDF)' }).click();
    expect(await page.getByTestId('confirm-error').textContent()).toContain(`Không tìm thấy khoản ủng hộ đã ghi nhận có mã ${code}`);
    expect(await page.locator('input[name=code]').inputValue()).toBe(code);
    await page.getByLabel('Mã số thuế').fill('0101234567');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải giấy xác nhận (PDF)' }).click()]);
    expect(download.suggestedFilename()).toBe(`xac-nhan-${code}.pdf`);
    const pdf = join(root, 'confirmation.pdf');
    await download.saveAs(pdf);
    const text = await promisify(execFile)('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).then((r) => r.stdout.replace(/\s+/g, ' '));
    expect(text).toContain('GIẤY XÁC NHẬN KHOẢN ỦNG HỘ');
    expect(text).toContain('Công ty TNHH Xây dựng Hòa Bình');
    expect(text).toContain('Mã số thuế / Tax code: 0101234567');
    expect(text).toContain(`${code} · 03/11/2025 · 7.250.000 ₫`);
    expect(text).toContain(`nhà ${house.code}`);
    expect(text).toContain('Sổ cái công khai đến bút toán #');
    await page.close();
  }, 300_000);
});

describe("people's supervision: a question, its answer, published", () => {
  it('a visitor asks about a house, staff answer and publish, and the answer appears with the question', async () => {
    const visitor = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const house = short[0]!;
    await visitor.goto(`${server.url}/nha/${house.code}/`);
    await visitor.getByTestId('ask-house').click();
    await visitor.waitForURL(/\/y-kien\/\?nha=/);
    expect(await visitor.locator('input[name=houseCode]').inputValue()).toBe(house.code);
    await visitor.getByLabel('Nội dung câu hỏi hoặc phản ánh').fill('Gọi lại cho tôi số 0912 345 678 nhé');
    await visitor.getByRole('button', { name: 'Gửi góp ý' }).click();
    expect(await visitor.getByTestId('feedback-error').textContent()).toContain('Xin đừng ghi số điện thoại hay email');
    expect(await visitor.locator('textarea[name=question]').inputValue()).toBe('Gọi lại cho tôi số 0912 345 678 nhé');
    const question = 'Nhà này bao giờ được khởi công? Xã đã họp bình xét chưa?';
    await visitor.getByLabel('Nội dung câu hỏi hoặc phản ánh').fill(question);
    await visitor.getByRole('button', { name: 'Gửi góp ý' }).click();
    await visitor.getByTestId('feedback-sent').waitFor();
    const tracking = (await visitor.getByTestId('tracking-code').textContent())!.trim();
    expect(tracking).toMatch(/^GY[0-9A-Z]{8}$/);
    expect(await visitor.getByTestId('tracked').getAttribute('data-status')).toBe('open');

    const context = await browser.newContext({ javaScriptEnabled: false });
    const staff = await context.newPage();
    await staff.goto(`${server.url}/staff/feedback`);
    await staff.fill('input[name=username]', 'thu');
    await staff.fill('input[name=password]', PASSWORD);
    await staff.click('button[type=submit]');
    await staff.waitForURL(/\/staff\/feedback$/);
    const item = staff.getByTestId(`feedback-${tracking}`);
    expect(await item.textContent()).toContain(question);
    const answer = 'Xã đã họp bình xét ngày 20/10/2025; nhà sẽ khởi công khi đủ kinh phí.';
    await item.locator('textarea[name=answer]').fill(answer);
    await item.getByRole('button', { name: 'Lưu câu trả lời / Save answer' }).click();
    expect(await staff.getByTestId('outcome').textContent()).toContain(`Đã trả lời ${tracking} và công khai`);
    await context.close();

    await visitor.goto(`${server.url}/y-kien/?ma=${tracking}`);
    expect(await visitor.getByTestId('tracked-answer').textContent()).toBe(answer);
    const published = visitor.getByTestId('published-feedback').filter({ hasText: question });
    expect(await published.textContent()).toContain(answer);
    expect(await (await fetch(`${server.url}/en/y-kien/`)).text()).toContain(answer);
    expect((await fetch(`${server.url}/y-kien/?ma=GY22222222`)).status).toBe(404);
    expect((await fetch(`${server.url}/y-kien/?ma=%3Cb%3E`)).status).toBe(400);
    await visitor.close();
  }, 120_000);
});

describe('islands only where they earn their place', () => {
  it('ships no JavaScript on house, district and commune pages, and an island only on the verification, search and short-houses pages', async () => {
    const client = join(siteDir, 'client');
    const scripted = (path: string) => readFileSync(path, 'utf8').includes('<script');
    const districts = [...htmlFiles(join(client, 'khu-vuc'))];
    expect(districts.length).toBeGreaterThan(2);
    expect(districts.filter(scripted)).toEqual([]);
    const onDemand = await onDemandPages();
    const houses = onDemand.filter(([path]) => path.includes('/nha/'));
    expect(houses.length).toBeGreaterThan(2 * SMALL_DEMO.houses);
    const communes = onDemand.filter(([path]) => path.split('/').filter(Boolean).at(-3) === 'khu-vuc');
    expect(communes.length).toBeGreaterThan(10);
    expect([...houses, ...communes].filter(([, html]) => html.includes('<script')).map(([path]) => path)).toEqual([]);
    const islandOn = async (path: string) => (await (await fetch(`${server.url}${path}`)).text()).includes('<astro-island');
    expect(await islandOn('/du-lieu-mo/')).toBe(true);
    expect(await islandOn('/tim-kiem/?q=nguyen')).toBe(true);
    expect(await islandOn('/nha-con-thieu/')).toBe(true);
    expect(await islandOn('/sao-ke/')).toBe(false);
    expect(await islandOn('/y-kien/')).toBe(false);
    expect(await islandOn('/xac-nhan/')).toBe(false);
  });

  it('counts the matching gifts as the visitor types in the search filters, then searches on submit', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/tim-kiem/`);
    await page.waitForSelector('astro-island:not([ssr]) [role=search]');
    await page.getByTestId('ledger-filter-q').fill('x');
    await expect.poll(() => page.getByTestId('ledger-preview').textContent(), { timeout: 10_000 }).toContain('Tên cần ít nhất 2 ký tự');
    await page.getByTestId('ledger-filter-q').fill('nguyen');
    await expect.poll(() => page.getByTestId('ledger-preview').textContent(), { timeout: 10_000 }).toMatch(/^[\d.]+ khoản khớp/);
    const counted = (await page.getByTestId('ledger-preview').textContent())!.split(' ')[0];
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.waitForURL(/\/tim-kiem\/\?q=nguyen/);
    expect(await page.getByTestId('search-total').textContent()).toBe(`${counted} kết quả`);
    await page.close();
  });

  it('verifies the published chain in the browser with a progress bar', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/du-lieu-mo/`);
    const island = page.locator('[data-verify]');
    await island.scrollIntoViewIfNeeded();
    await page.waitForSelector('astro-island:not([ssr]) [data-verify]');
    await page.getByTestId('verify-button').click();
    await page.waitForSelector('[data-verify][data-result]', { timeout: 60_000 });
    expect(await island.getAttribute('data-result')).toBe('valid');
    const progress = page.getByTestId('verify-progress');
    expect(await progress.getAttribute('value')).toBe(await progress.getAttribute('max'));
    await page.close();
  }, 90_000);
});

describe('the communes and their money', () => {
  it('shows a district by commune with its money and a bar per commune, and no JavaScript', async () => {
    const html = await (await fetch(`${server.url}/khu-vuc/BK-TPBK/`)).text();
    expect(html).not.toContain('<script');
    const district = areas.find((a) => a.code === 'BK-TPBK')!;
    expect(html).toMatch(new RegExp(`data-testid="area-allocated"[^>]*><strong[^>]*>${district.allocated_vnd.toLocaleString('de-DE')} ₫`));
    expect(html).toMatch(new RegExp(`data-testid="area-pool"[^>]*>${district.pool_vnd.toLocaleString('de-DE')} ₫`));
    expect(html.match(/class="track"/g)).toHaveLength(areas.filter((a) => a.parent_code === 'BK-TPBK').length);
    // Houses are on the commune pages now, not all on the district page.
    expect(html).not.toContain('/nha/BK-');
  });

  it('gives each commune its own page with its houses and "give to this commune"', async () => {
    const commune = areas.find((a) => a.code === 'BK-TPBK-02')!;
    const page = await browser.newPage();
    await page.goto(`${server.url}/khu-vuc/BK-TPBK/`);
    await page.getByTestId('district-communes').getByRole('link', { name: commune.name, exact: true }).click();
    await page.waitForURL(/\/khu-vuc\/BK-TPBK\/BK-TPBK-02\/$/);
    expect(await page.getByTestId('donate-commune').getAttribute('href')).toBe(`/ung-ho/?commune=${commune.id}`);
    expect(await page.getByTestId('commune-houses').locator('tbody tr').count()).toBe(commune.houses.total);
    await page.getByTestId('donate-commune').click();
    await page.waitForURL(/\/ung-ho\/\?commune=/);
    expect(await page.locator('select[name=commune]').inputValue()).toBe(String(commune.id));
    await page.close();
  });
});

describe('every page, for every visitor', () => {
  it('answers a missing page with a 404 in Vietnamese and English, a way home and a search box', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/khong-co-trang-nay/`);
    expect(response!.status()).toBe(404);
    expect(await page.getByTestId('not-found-vi').locator('h1').textContent()).toBe('Không tìm thấy trang');
    expect(await page.getByTestId('not-found-en').textContent()).toContain('Page not found');
    await page.getByTestId('not-found-vi').getByLabel('Mã biên nhận').fill('ACNOTREAL2');
    await page.getByTestId('not-found-vi').getByRole('button', { name: 'Tra cứu' }).click();
    await page.waitForURL(/\/tra-cuu\/\?code=ACNOTREAL2$/);
    await page.goto(`${server.url}/khong-co-trang-nay/`);
    await page.getByTestId('not-found-en').getByRole('link', { name: 'Back to the home page' }).click();
    await page.waitForURL(`${server.url}/en/`);
    await page.close();
  });

  it('gives every built or rendered page a description and absolute hreflang alternates for both languages', async () => {
    const built = [...htmlFiles(join(siteDir, 'client'))].filter((p) => !p.endsWith('404.html')).map((p) => [p, readFileSync(p, 'utf8')] as [string, string]);
    expect(built.length).toBeGreaterThan(30);
    const pages = [...built, ...await onDemandPages()];
    expect(pages.length).toBeGreaterThan(150);
    for (const [path, html] of pages) {
      expect(html, path).toMatch(/<meta name="description" content="[^"]{20,}"/);
      const alternates = [...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map(([, lang, href]) => [lang, href]);
      expect(alternates.map(([lang]) => lang), path).toEqual(['vi', 'en', 'x-default']);
      for (const [, href] of alternates) expect(href, path).toMatch(/^https?:\/\/[^/]+\//);
    }
  });

  it('writes English numbers on English pages and Vietnamese ones on Vietnamese pages, with the publication hour', async () => {
    const en = await (await fetch(`${server.url}/en/`)).text();
    expect(en).toContain('of a target of 2,000');
    expect(en).toMatch(/\d{1,3}(,\d{3})+ ₫/);
    expect(en).not.toMatch(/\d\.\d{3} ₫/);
    expect(en).toMatch(/published \d{2}:\d{2} \d{2}\/\d{2}\/\d{4} \(GMT\+7\)/);
    const vi = await (await fetch(`${server.url}/`)).text();
    expect(vi).toContain('trên mục tiêu 2.000 nhà');
    expect(vi).toContain('trên 2.200');
    expect(vi).toMatch(/data-testid="lacking-total"[^>]*>11\.296</);
    expect(vi).toContain('Hạn hoàn thành: 31/12/2025');
  });

  const pagesToFit = () => [
    '/', '/en/', '/nha-con-thieu/', '/khu-vuc/', '/khu-vuc/BK-TPBK/', '/khu-vuc/BK-TPBK/BK-TPBK-01/', `/nha/${short[0]!.code}/`, '/en/nha/BK-00001/',
    '/sao-ke/', '/sao-ke/1/', '/tra-cuu/', '/du-lieu-mo/', '/en/du-lieu-mo/', '/gioi-thieu/', '/ung-ho/', '/en/ung-ho/', `/ung-ho/?house=${short[0]!.code}`,
    '/tim-kiem/?q=nguyen', '/khong-co-trang-nay/', '/y-kien/', '/en/y-kien/', '/xac-nhan/', '/en/xac-nhan/',
  ];

  for (const width of [320, 1366]) {
    it(`fits every page kind into ${width} px without horizontal scroll`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const overflowing: string[] = [];
      for (const path of pagesToFit()) {
        await page.goto(`${server.url}${path}`);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > width) overflowing.push(`${path}: ${scrollWidth} px`);
        const name = path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'home';
        await page.screenshot({ path: join(screens, `${width}-${name}.png`), fullPage: false });
      }
      await page.close();
      expect(overflowing).toEqual([]);
    }, 120_000);
  }
});
