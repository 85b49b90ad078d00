// The six-monthly report as a PDF (pdfkit), with the same heading, tables and signatures as the printable page.
// Fonts are the confirmations' (a Unicode TTF), so Vietnamese prints everywhere.
import { openPdf } from '../confirmations/pdf';
import { stages } from '../domain/schemas';
import { formatCount, formatDate, formatVnd } from '../i18n/format';
import { ui } from '../i18n/ui';
import type { AreaReport, SixMonthReport } from './report';
import { againstTarget, labourByUnitText } from './report-render';

type Place = Pick<AreaReport, 'code' | 'name' | 'mix' | 'money' | 'inPeriod'>;

// Renders the report on landscape A4; resolves with the whole file.
export function reportPdf(report: SixMonthReport, issuedOn: string): Promise<Buffer> {
  const period = `Từ ngày ${formatDate(report.from)} đến ngày ${formatDate(report.to)}`;
  const { pdf, done } = openPdf({ size: 'A4', layout: 'landscape', margin: 40, info: { Title: `Báo cáo sáu tháng — ${period}` } });
  const width = pdf.page.width - 80;
  const half = width / 2;

  // Official heading: issuer on the left, national motto on the right, number and date below each.
  const [year, month, day] = issuedOn.split('-');
  const top = pdf.y;
  pdf.fontSize(10).font('regular').text(`ỦY BAN MTTQ VIỆT NAM TỈNH ${report.provinceName.toUpperCase()}`, 40, top, { width: half, align: 'center' })
    .font('bold').text('QUỸ "VÌ NGƯỜI NGHÈO"', { width: half, align: 'center' }).font('regular').text('Số: ……/BC-QVNN', { width: half, align: 'center' });
  pdf.font('bold').text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 40 + half, top, { width: half, align: 'center' })
    .text('Độc lập – Tự do – Hạnh phúc', { width: half, align: 'center', underline: true })
    .font('regular').text(`${report.provinceName}, ngày ${day} tháng ${month} năm ${year}`, { width: half, align: 'center' });
  pdf.moveDown(1.5).font('bold').fontSize(13).text('BÁO CÁO', 40, pdf.y, { width, align: 'center' })
    .fontSize(11).text('Kết quả vận động, hỗ trợ xây dựng, sửa chữa nhà ở cho hộ nghèo', { width, align: 'center' })
    .font('regular').text(period, { width, align: 'center' });
  if (report.campaign.isDemo) pdf.fillColor('#a00').text('Dữ liệu mẫu / demo data', { width, align: 'center' }).fillColor('#000');

  const heading = (text: string) => pdf.moveDown(0.6).font('bold').fontSize(11).text(text, 40, pdf.y, { width }).font('regular').fontSize(9);
  const p = report.province;
  heading('1. Nhà ở / Houses');
  pdf.text(`Mục tiêu ${formatCount(report.campaign.targetHouses)} nhà; hoàn thành lũy kế ${againstTarget(p.toDate.completed, report.campaign.targetHouses)}. Trong kỳ: khởi công ${formatCount(p.inPeriod.started)}, hoàn thành ${formatCount(p.inPeriod.completed)} (xây mới ${formatCount(p.mix.newBuildCompletedInPeriod)}, sửa chữa ${formatCount(p.mix.repairCompletedInPeriod)}), bàn giao ${formatCount(p.inPeriod.handedOver)}. Lũy kế bàn giao ${formatCount(p.toDate.handedOver)}.`);
  const m = p.money;
  heading('2. Huy động và sử dụng / Mobilised and used');
  for (const [label, value] of [
    ['Tiền mặt ủng hộ (sau phí thẻ)', formatVnd(m.cashDonationsVnd)], ['Phí thẻ', formatVnd(m.cardFeesVnd)], ['Ngân sách nhà nước', formatVnd(m.stateBudgetVnd)],
    ['Hiện vật (giá trị)', formatVnd(m.inKindVnd)], ['Ngày công', `${formatCount(m.labourPersonDays)} ngày — ước tính ${formatVnd(m.labourEstimateVnd)}`],
    ['Ngày công theo loại đơn vị', labourByUnitText(p.labourDaysByUnit)],
    ['Quỹ phân bổ cho nhà', formatVnd(m.fundAllocatedVnd)], ['Tiền đã đến các nhà', formatVnd(m.allocatedCashVnd)], ['Tiền quỹ đã chi cho hộ', formatVnd(m.disbursedVnd)], ['Ngân sách nhà nước đã chi cho hộ', formatVnd(m.statePaidVnd)],
  ]) pdf.text(`${label}: ${value}`);

  // One table row a place (columns fit landscape A4's 762 pt between margins): stage counts at the period's end, kind of work, then money by source.
  const columns: [string, number, (pl: Place) => string][] = [
    ['Địa bàn', 95, (pl) => pl.name],
    ...stages.map((stage): [string, number, (pl: Place) => string] => [ui.vi.stage[stage], 36, (pl) => formatCount(pl.mix.stageNow[stage])]),
    ['Xây mới / sửa', 55, (pl) => `${formatCount(pl.mix.newBuild)} / ${formatCount(pl.mix.repair)}`],
    ['Ngân sách', 78, (pl) => formatVnd(pl.money.stateBudgetVnd)],
    ['Quỹ phân bổ', 78, (pl) => formatVnd(pl.money.fundAllocatedVnd)],
    ['Ủng hộ trực tiếp', 78, (pl) => formatVnd(pl.money.designatedVnd + pl.money.communePoolVnd)],
    ['Hiện vật', 78, (pl) => formatVnd(pl.money.inKindVnd)],
    ['Ngày công', 40, (pl) => formatCount(pl.money.labourPersonDays)],
    ['Đã chi', 78, (pl) => formatVnd(pl.money.disbursedVnd)],
  ];
  const tableRow = (cells: string[], bold = false) => {
    if (pdf.y > pdf.page.height - 80) pdf.addPage();
    const rowTop = pdf.y;
    let x = 40;
    let bottom = rowTop;
    pdf.font(bold ? 'bold' : 'regular').fontSize(7);
    cells.forEach((cell, i) => {
      pdf.text(cell, x, rowTop, { width: columns[i]![1] - 4, align: i === 0 ? 'left' : 'right' });
      bottom = Math.max(bottom, pdf.y);
      x += columns[i]![1];
    });
    pdf.y = bottom + 2;
  };
  const table = (places: Place[]) => {
    tableRow(columns.map(([label]) => label), true);
    for (const place of places) tableRow(columns.map(([, , cell]) => cell(place)));
  };
  heading('3. Theo huyện / By district');
  table([{ code: '', name: 'Toàn tỉnh', mix: p.mix, money: p.money, inPeriod: p.inPeriod }, ...report.areas]);
  pdf.moveDown(0.4);
  for (const area of report.areas) pdf.text(`${area.name}: hoàn thành lũy kế ${againstTarget(area.toDate.completed, area.targetHouses)}${area.targetHouses ? ' nhà so với mục tiêu' : ' nhà (chưa đặt mục tiêu)'}; ngày công: ${labourByUnitText(area.labourDaysByUnit)}.`, 40, pdf.y, { width });
  heading('4. Đóng góp lớn nhất / Largest contributors');
  report.contributors.forEach((c, i) => pdf.text(`${i + 1}. ${c.name}: ${formatVnd(c.totalVnd)} (tiền ${formatVnd(c.cashVnd)}, hiện vật ${formatVnd(c.inKindVnd)}, ${formatCount(c.labourPersonDays)} ngày công)`, 40, pdf.y, { width }));
  heading('5. Hiện vật theo mặt hàng / In kind by item');
  for (const item of report.inKindItems) pdf.text(`${item.name}: ${formatCount(item.quantity)} ${item.unit} — ${formatVnd(item.valueVnd)}`, 40, pdf.y, { width });
  heading('Phụ lục: theo xã / Annex: by commune');
  table(report.communes);

  // Signatures: three columns, with room to sign.
  if (pdf.y > pdf.page.height - 140) pdf.addPage();
  const signTop = pdf.y + 20;
  ['NGƯỜI LẬP BIỂU', 'KẾ TOÁN', 'TM. BAN THƯỜNG TRỰC'].forEach((title, i) => {
    pdf.font('bold').fontSize(10).text(title, 40 + (i * width) / 3, signTop, { width: width / 3, align: 'center' })
      .font('regular').fontSize(9).text('(Ký, ghi rõ họ tên)', { width: width / 3, align: 'center' });
  });
  pdf.end();
  return done;
}
