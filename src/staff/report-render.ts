// The six-monthly report as CSV (one figure a row, for spreadsheets) and as printable HTML. Pure.
import { csvRow } from '../publish/csv';
import { formatCount, formatDate, formatVnd } from '../i18n/format';
import { escapeHtml } from './html';
import { labourUnitNames, labourUnits, stages } from '../domain/schemas';
import { ui } from '../i18n/ui';
import type { AreaMoney, AreaReport, HouseCounts, SixMonthReport } from './report';

const houseLabels: [keyof HouseCounts, string, string][] = [
  ['approved', 'Được phê duyệt', 'Approved'],
  ['started', 'Khởi công', 'Started'],
  ['completed', 'Hoàn thành', 'Completed'],
  ['handedOver', 'Bàn giao', 'Handed over'],
];

const moneyLabels: [keyof AreaMoney, string, string][] = [
  ['stateBudgetVnd', 'Ngân sách nhà nước', 'State budget'],
  ['fundAllocatedVnd', 'Quỹ Vì người nghèo phân bổ', 'Allocated from the fund'],
  ['designatedVnd', 'Ủng hộ trực tiếp cho nhà', 'Donations designated to houses'],
  ['communePoolVnd', 'Ủng hộ cho quỹ xã', 'Donations to commune pools'],
  ['inKindVnd', 'Hiện vật (giá trị)', 'In kind (valuation)'],
  ['labourPersonDays', 'Ngày công', 'Labour days'],
  ['labourEstimateVnd', 'Ngày công — giá trị ước tính', 'Labour — estimated value'],
  ['disbursedVnd', 'Tiền quỹ đã chi cho hộ', 'Fund money paid to households'],
  ['statePaidVnd', 'Ngân sách nhà nước đã chi cho hộ', 'State budget paid to households'],
];

const provinceOnlyColumns: [string, (m: SixMonthReport['province']['money']) => number][] = [
  ['Tiền mặt ủng hộ sau phí thẻ (đ) / Cash donations net of card fees (VND)', (m) => m.cashDonationsVnd],
  ['Chuyển khoản (đ) / Bank transfer (VND)', (m) => m.cashByChannel.bank_transfer],
  ['Thẻ (đ) / Card (VND)', (m) => m.cashByChannel.card],
  ['Tiền mặt tại quỹ (đ) / Office cash (VND)', (m) => m.cashByChannel.office],
  ['Phí thẻ (đ) / Card fees (VND)', (m) => m.cardFeesVnd],
  ['Phí ngân hàng (đ) / Bank charges (VND)', (m) => m.bankChargesVnd],
  ['Ủng hộ quỹ chung (đ) / General fund donations (VND)', (m) => m.generalFundVnd],
  ['Tiền đã đến các nhà (đ) / Cash that reached houses (VND)', (m) => m.allocatedCashVnd],
];

// One row a place (province, each district, each commune) and one column a figure, so a spreadsheet opens it as a table;
// amounts in whole đồng. Figures kept only province-wide (cash by channel, target) are blank on other rows.
export function reportCsv(report: SixMonthReport): string {
  const header = [
    'Cấp / Level', 'Mã huyện / District code', 'Mã / Code', 'Địa bàn / Area', 'Mục tiêu (nhà) / Target (houses)',
    ...houseLabels.map(([, vi, en]) => `${vi} trong kỳ / ${en} in period`),
    ...houseLabels.map(([, vi, en]) => `${vi} lũy kế / ${en} to date`),
    ...stages.map((stage) => `${ui.vi.stage[stage]} cuối kỳ / ${ui.en.stage[stage]} at period end`),
    'Xây mới / New build', 'Sửa chữa / Repair', 'Xây mới hoàn thành trong kỳ / New build completed in period', 'Sửa chữa hoàn thành trong kỳ / Repair completed in period',
    ...moneyLabels.map(([key, vi, en]) => (key === 'labourPersonDays' ? `${vi} / ${en}` : `${vi} (đ) / ${en} (VND)`)),
    ...labourUnits.map((u) => `Ngày công — ${labourUnitNames[u][0]} / Labour days — ${labourUnitNames[u][1]}`),
    ...provinceOnlyColumns.map(([label]) => label),
  ];
  const row = (level: string, districtCode: string, place: Place & Pick<AreaReport, 'inPeriod' | 'toDate' | 'labourDaysByUnit'>, extra: (number | null)[], target: number | null) => [
    level, districtCode, place.code, place.name, target,
    ...houseLabels.map(([key]) => place.inPeriod[key]), ...houseLabels.map(([key]) => place.toDate[key]),
    ...stages.map((stage) => place.mix.stageNow[stage]),
    place.mix.newBuild, place.mix.repair, place.mix.newBuildCompletedInPeriod, place.mix.repairCompletedInPeriod,
    ...moneyLabels.map(([key]) => place.money[key]), ...labourUnits.map((u) => place.labourDaysByUnit[u]), ...extra,
  ];
  const p = report.province;
  const blanks = provinceOnlyColumns.map(() => null);
  const rows = [
    header,
    row('Tỉnh / Province', '', { code: 'province', name: report.provinceName, inPeriod: p.inPeriod, toDate: p.toDate, mix: p.mix, money: p.money, labourDaysByUnit: p.labourDaysByUnit }, provinceOnlyColumns.map(([, value]) => value(p.money)), report.campaign.targetHouses),
    ...report.areas.map((a) => row('Huyện / District', a.code, a, blanks, a.targetHouses)),
    ...report.communes.map((c) => row('Xã / Commune', c.districtCode, c, blanks, c.targetHouses)),
  ];
  return rows.map(csvRow).join('');
}

const money = (value: number) => escapeHtml(formatVnd(value));

// Houses done against a target, as the committee reads it: "120 / 300 (40%)"; no target, no share.
export function againstTarget(done: number, target: number | null): string {
  if (!target) return formatCount(done);
  return `${formatCount(done)} / ${formatCount(target)} (${formatCount(Math.round((done / target) * 1000) / 10)}%)`;
}

// Labour days by the kind of unit that sent the people, in words: "Quân đội, biên phòng 120; Đoàn Thanh niên 40".
export function labourByUnitText(days: AreaReport['labourDaysByUnit'], lang: 0 | 1 = 0): string {
  return labourUnits.filter((u) => days[u] !== 0).map((u) => `${labourUnitNames[u][lang]} ${formatCount(days[u])}`).join('; ') || '—';
}
const th = (vi: string, en: string, cls = '') => `<th${cls ? ` class="${cls}"` : ''}>${escapeHtml(vi)}<br><span class="en">${escapeHtml(en)}</span></th>`;

type Place = Pick<AreaReport, 'code' | 'name' | 'mix' | 'money'>;

// Houses at each stage at the period's end and the kind of work, one row a place: the district table and the commune annex share it.
function stageTable(places: Place[]): string {
  return `<table><thead><tr>${th('Địa bàn', 'Area')}${stages.map((stage) => th(ui.vi.stage[stage], ui.en.stage[stage], 'num')).join('')}${th('Xây mới', 'New build', 'num')}${th('Sửa chữa', 'Repair', 'num')}${th('Hoàn thành trong kỳ: xây mới / sửa chữa', 'Completed in period: new build / repair', 'num')}</tr></thead><tbody>`
    + places.map((pl) => `<tr><td>${escapeHtml(pl.name)} <span class="muted">${escapeHtml(pl.code)}</span></td>${stages.map((stage) => `<td class="num">${formatCount(pl.mix.stageNow[stage])}</td>`).join('')}<td class="num">${formatCount(pl.mix.newBuild)}</td><td class="num">${formatCount(pl.mix.repair)}</td><td class="num">${formatCount(pl.mix.newBuildCompletedInPeriod)} / ${formatCount(pl.mix.repairCompletedInPeriod)}</td></tr>`).join('')
    + '</tbody></table>';
}

// Money by source, one row a place: amounts in đồng, labour in days.
function moneyTable(places: Place[]): string {
  return `<table><thead><tr>${th('Địa bàn', 'Area')}${moneyLabels.map(([, vi, en]) => th(vi, en, 'num')).join('')}</tr></thead><tbody>`
    + places.map((pl) => `<tr><td>${escapeHtml(pl.name)}</td>${moneyLabels.map(([key]) => `<td class="num">${key === 'labourPersonDays' ? formatCount(pl.money[key]) : money(pl.money[key])}</td>`).join('')}</tr>`).join('')
    + '</tbody></table>';
}

// The report's body (tables only), shared by the workspace page and the printable file.
export function reportBody(report: SixMonthReport): string {
  const p = report.province;
  const m = p.money;
  const target = report.campaign.targetHouses;
  const places = [{ code: '', name: 'Toàn tỉnh / Province', targetHouses: target, labourDaysByUnit: p.labourDaysByUnit, inPeriod: p.inPeriod, toDate: p.toDate, mix: p.mix, money: m as AreaMoney }, ...report.areas];
  const parts: string[] = [];
  parts.push(`<p>Kỳ báo cáo / Period: <strong>${formatDate(report.from)} – ${formatDate(report.to)}</strong>. ${escapeHtml(report.campaign.name)}${report.campaign.isDemo ? ' <span class="demo">Dữ liệu mẫu / demo data</span>' : ''}</p>`);
  parts.push(`<h2>1. Nhà ở / Houses</h2><p>Mục tiêu / Target: <strong>${formatCount(target)}</strong> nhà. Lũy kế đến ${formatDate(report.to)} đã bàn giao <strong>${againstTarget(p.toDate.handedOver, target)}</strong>, hoàn thành ${againstTarget(p.toDate.completed, target)}.</p>`);
  parts.push(`<table data-testid="houses-by-district"><thead><tr>${th('Địa bàn', 'Area')}${houseLabels.map(([, vi, en]) => th(`${vi} (trong kỳ)`, `${en} (period)`, 'num')).join('')}${th('Hoàn thành lũy kế / mục tiêu', 'Completed to date / target', 'num')}${th('Bàn giao lũy kế', 'Handed over to date', 'num')}</tr></thead><tbody>`
    + places.map((pl) => `<tr><td>${escapeHtml(pl.name)} <span class="muted">${escapeHtml(pl.code)}</span></td>${houseLabels.map(([key]) => `<td class="num">${formatCount(pl.inPeriod[key])}</td>`).join('')}<td class="num">${againstTarget(pl.toDate.completed, pl.targetHouses)}</td><td class="num">${formatCount(pl.toDate.handedOver)}</td></tr>`).join('')
    + '</tbody></table>');
  parts.push(`<h3>Nhà theo giai đoạn ngày ${formatDate(report.to)}, theo huyện / Houses by stage at the period's end, by district</h3>${stageTable(places)}`);
  parts.push('<h2>2. Huy động theo nguồn / Mobilised by source</h2><table><tbody>'
    + [
      ['Tiền mặt ủng hộ (sau phí thẻ)', 'Cash donations (net of card fees)', money(m.cashDonationsVnd)],
      ['— chuyển khoản / thẻ / tại quỹ', '— bank transfer / card / office', `${money(m.cashByChannel.bank_transfer)} / ${money(m.cashByChannel.card)} / ${money(m.cashByChannel.office)}`],
      ['Phí thẻ (không vào quỹ)', 'Card fees (never reach the fund)', money(m.cardFeesVnd)],
      ['Phí ngân hàng (quỹ chung chịu)', 'Bank charges (borne by the general fund)', money(m.bankChargesVnd)],
      ['Ngân sách nhà nước', 'State budget', money(m.stateBudgetVnd)],
      ['Hiện vật (giá trị)', 'In kind (valuation)', money(m.inKindVnd)],
      ['Ngày công', 'Labour days', `${formatCount(m.labourPersonDays)} ngày công — ước tính ${money(m.labourEstimateVnd)} (estimate, not money)`],
      ['— theo loại đơn vị', '— by kind of unit', escapeHtml(labourByUnitText(p.labourDaysByUnit))],
    ].map(([vi, en, value]) => `<tr>${th(vi!, en!)}<td class="num">${value}</td></tr>`).join('')
    + '</tbody></table>');
  parts.push('<h2>3. Phân bổ và chi / Allocated and paid</h2><table><tbody>'
    + [
      ['Quỹ Vì người nghèo phân bổ cho nhà', 'Allocated from the fund to houses', m.fundAllocatedVnd],
      ['Ủng hộ trực tiếp cho nhà', 'Donations designated to houses', m.designatedVnd],
      ['Tổng tiền đã đến các nhà', 'Cash that reached houses', m.allocatedCashVnd],
      ['Tiền quỹ đã chi cho hộ', 'Fund money paid to households', m.disbursedVnd],
      ['Ngân sách nhà nước đã chi cho hộ (xã, huyện chi)', 'State budget paid to households (by the commune or district)', m.statePaidVnd],
    ].map(([vi, en, value]) => `<tr>${th(String(vi), String(en))}<td class="num">${money(Number(value))}</td></tr>`).join('')
    + '</tbody></table>');
  parts.push(`<h2>4. Theo huyện / By district</h2>${moneyTable(places)}`);
  parts.push(`<h3>Ngày công theo loại đơn vị / Labour days by kind of unit</h3><table data-testid="labour-by-unit"><thead><tr>${th('Địa bàn', 'Area')}${labourUnits.map((u) => th(labourUnitNames[u][0], labourUnitNames[u][1], 'num')).join('')}</tr></thead><tbody>`
    + places.map((pl) => `<tr><td>${escapeHtml(pl.name)}</td>${labourUnits.map((u) => `<td class="num">${formatCount(pl.labourDaysByUnit[u])}</td>`).join('')}</tr>`).join('')
    + '</tbody></table>');
  parts.push(`<h2>5. Đóng góp lớn nhất / Largest contributors</h2><p class="muted">Chỉ tên công khai; người ẩn danh không được liệt kê. / Public names only; anonymous donors are not listed.</p><table><thead><tr>${th('#', '#')}${th('Tên', 'Name')}${th('Tiền mặt', 'Cash', 'num')}${th('Hiện vật', 'In kind', 'num')}${th('Ngày công', 'Labour days', 'num')}${th('Tổng (gồm ước tính ngày công)', 'Total (incl. labour estimate)', 'num')}</tr></thead><tbody>`
    + report.contributors.map((c, i) => `<tr><td>${i + 1}</td><td>${escapeHtml(c.name)}</td><td class="num">${money(c.cashVnd)}</td><td class="num">${money(c.inKindVnd)}</td><td class="num">${formatCount(c.labourPersonDays)}</td><td class="num">${money(c.totalVnd)}</td></tr>`).join('')
    + '</tbody></table>');
  parts.push(`<h2>6. Hiện vật theo mặt hàng / In kind by item</h2><table><thead><tr>${th('Mặt hàng', 'Item')}${th('Số lượng', 'Quantity', 'num')}${th('Đơn vị', 'Unit')}${th('Giá trị', 'Value', 'num')}</tr></thead><tbody>`
    + report.inKindItems.map((item) => `<tr><td>${escapeHtml(item.name)}</td><td class="num">${formatCount(item.quantity)}</td><td>${escapeHtml(item.unit)}</td><td class="num">${money(item.valueVnd)}</td></tr>`).join('')
    + '</tbody></table>');
  parts.push(`<h2>Phụ lục: theo xã / Annex: by commune</h2>${stageTable(report.communes)}${moneyTable(report.communes)}`);
  parts.push(`<p class="muted">Sổ cái / Ledger: ${formatCount(report.ledger.entries)} bút toán, mã băm cuối <code>${escapeHtml(report.ledger.headHash)}</code>.</p>`);
  parts.push(`<p class="muted">Khóa công khai của nhật ký có chữ ký / Signed log verifier key: <code>${escapeHtml(report.ledger.logKey)}</code> (kiểm tra: node verify.mjs &lt;URL&gt;/du-lieu/ --key …).</p>`);
  return parts.join('\n');
}

// The official heading a Standing Committee report carries: issuer and national motto side by side, number left blank for the office.
export function reportHeader(report: SixMonthReport, issuedOn: string): string {
  const [y, m, d] = issuedOn.split('-');
  const province = escapeHtml(report.provinceName);
  return `<header class="official"><div><p>ỦY BAN MTTQ VIỆT NAM TỈNH ${escapeHtml(report.provinceName.toUpperCase())}</p><p><strong>QUỸ "VÌ NGƯỜI NGHÈO"</strong></p><p>Số: ……/BC-QVNN</p></div>`
    + `<div><p><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong></p><p><strong><u>Độc lập – Tự do – Hạnh phúc</u></strong></p><p><em>${province}, ngày ${d} tháng ${m} năm ${y}</em></p></div></header>`
    + `<h1 class="title">BÁO CÁO<br>Kết quả vận động, hỗ trợ xây dựng, sửa chữa nhà ở cho hộ nghèo<br><span class="period">Từ ngày ${formatDate(report.from)} đến ngày ${formatDate(report.to)}</span></h1>`;
}

// The three signatures the committee expects under the figures: preparer, accountant, and the Standing Committee.
export function reportSignatures(): string {
  return '<footer class="signatures">'
    + [['NGƯỜI LẬP BIỂU', 'Prepared by'], ['KẾ TOÁN', 'Accountant'], ['TM. BAN THƯỜNG TRỰC', 'For the Standing Committee']]
      .map(([vi, en]) => `<div><p><strong>${vi}</strong></p><p class="en">${en}</p><p class="muted"><em>(Ký, ghi rõ họ tên)</em></p></div>`).join('')
    + '</footer>';
}

// A standalone printable page (the CLI writes it to a file).
export function reportDocument(report: SixMonthReport, issuedOn: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo 6 tháng ${formatDate(report.from)} – ${formatDate(report.to)}</title>
<style>${REPORT_CSS}</style></head><body>${reportHeader(report, issuedOn)}
${reportBody(report)}
${reportSignatures()}</body></html>\n`;
}

export const REPORT_CSS = `body{font-family:system-ui,sans-serif;color:#1d2b36;max-width:70rem;margin:1rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{text-align:left;padding:.3rem .45rem;border-bottom:1px solid #d8dee4;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}.en{font-weight:normal;color:#55636f;font-size:.85em}.muted{color:#55636f;font-size:.9em}
.demo{background:#fff3cd;padding:0 .3rem}
.official{display:flex;justify-content:space-between;gap:1rem;text-align:center}.official p{margin:.1rem 0}.title{text-align:center;font-size:1.2rem}.period{font-weight:normal;font-size:1rem}
.signatures{display:flex;justify-content:space-between;gap:1rem;text-align:center;margin:2rem 0 6rem}.signatures p{margin:.1rem 0}@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}`;
