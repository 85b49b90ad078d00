// The confirmation as a PDF (pdfkit), in Vietnamese with English labels: the receiving fund, the company,
// the gifts, the houses they reached and the checkpoint that anchors them. The font is a Unicode TTF
// embedded in the file (DejaVu Sans from Debian's fonts-dejavu-core), so Vietnamese prints everywhere.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { FundBankAccount } from '../payments/config';
import { formatDate, formatDateTime, formatVnd } from '../i18n/format';
import type { Confirmation } from './gifts';

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';

// The regular and bold faces: ANCU_PDF_FONT / ANCU_PDF_FONT_BOLD, else DejaVu Sans; a missing font says what to install.
export function pdfFonts(env: NodeJS.ProcessEnv = process.env): { regular: string; bold: string } {
  const regular = env.ANCU_PDF_FONT ?? `${FONT_DIR}/DejaVuSans.ttf`;
  const bold = env.ANCU_PDF_FONT_BOLD ?? (env.ANCU_PDF_FONT ? regular : `${FONT_DIR}/DejaVuSans-Bold.ttf`);
  for (const file of [regular, bold]) {
    if (!existsSync(file)) throw new Error(`PDF font ${file} not found: run "apt-get install -y fonts-dejavu-core" or set ANCU_PDF_FONT to a Unicode TTF file.`);
  }
  return { regular, bold };
}

// A document with the two faces registered as 'regular' and 'bold', and the whole file once it ends.
export function openPdf(options: PDFKit.PDFDocumentOptions): { pdf: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const fonts = pdfFonts();
  const pdf = new PDFDocument({ ...options, font: fonts.regular });
  pdf.registerFont('regular', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return { pdf, done };
}

const channelName: Record<string, string> = { card: 'Thẻ / Card', bank_transfer: 'Chuyển khoản / Bank transfer', office: 'Tại văn phòng / At the office' };

// Renders the confirmation; resolves with the whole file (a few KB plus the font subset).
export function confirmationPdf(doc: Confirmation, bank: FundBankAccount, issuedAt = new Date()): Promise<Buffer> {
  const title = doc.year === null ? 'GIẤY XÁC NHẬN KHOẢN ỦNG HỘ' : `GIẤY XÁC NHẬN CÁC KHOẢN ỦNG HỘ NĂM ${doc.year}`;
  const { pdf, done } = openPdf({ size: 'A4', margin: 50, info: { Title: title, Author: bank.accountName, CreationDate: issuedAt } });

  const heading = (text: string) => pdf.moveDown(0.6).font('bold').fontSize(11).text(text).font('regular').fontSize(10);
  const line = (label: string, value: string) => pdf.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value);

  pdf.font('bold').fontSize(15).text(title, { align: 'center' });
  pdf.font('regular').fontSize(10).text(doc.year === null ? 'Donation confirmation' : `Donations received in ${doc.year}`, { align: 'center' });
  if (doc.campaign.isDemo || bank.isDemo) {
    pdf.moveDown(0.5).font('bold').fillColor('#a00').text('BẢN MẪU (DEMO): không có giá trị kế toán. / Demo data: not valid for accounting.', { align: 'center' }).fillColor('#000').font('regular');
  }

  heading('1. Đơn vị tiếp nhận / Receiving fund');
  line('Quỹ', `Quỹ "Vì người nghèo" (Ủy ban Mặt trận Tổ quốc Việt Nam) — ${doc.campaign.name}`);
  line('Tài khoản / Account', `${bank.accountName}, số ${bank.accountNo}, ${bank.bankName}`);

  heading('2. Đơn vị ủng hộ / Donor');
  line('Tên doanh nghiệp / Company', doc.company.name);
  line('Mã số thuế / Tax code', doc.company.taxCode);

  heading('3. Các khoản đã nhận / Gifts received');
  for (const gift of doc.gifts) {
    pdf.font('bold').text(`${gift.receiptCode} · ${formatDate(gift.receivedAt)} · ${formatVnd(gift.amountVnd)}`, { continued: true })
      .font('regular').text(` · ${gift.channel ? channelName[gift.channel] ?? gift.channel : ''}`);
    const went = gift.houses.map((h) => `nhà ${h.code} (${h.commune}): ${formatVnd(h.amountVnd)}`);
    if (gift.inPoolVnd > 0) went.push(`đang trong quỹ chờ phân bổ / in a pool awaiting allocation: ${formatVnd(gift.inPoolVnd)}`);
    pdf.text(`   Đã đến / Went to: ${went.length > 0 ? went.join('; ') : 'chưa phân bổ / not yet allocated'}`, { indent: 10 });
    if (gift.entryId !== null) pdf.fillColor('#444').text(`   Bút toán / Journal entry #${gift.entryId}, hash ${gift.entryHash}`, { indent: 10 }).fillColor('#000');
  }
  pdf.moveDown(0.3).font('bold').text(`Tổng cộng / Total: ${formatVnd(doc.totalVnd)} (${doc.gifts.length} khoản / gifts)`).font('regular');

  heading('4. Bằng chứng công khai / Public proof');
  if (doc.anchor) {
    const unpublished = doc.gifts.filter((g) => g.entryId !== null && g.entryId > doc.anchor!.entryCount).map((g) => g.receiptCode);
    pdf.text(`Sổ cái công khai đến bút toán #${doc.anchor.entryCount}, xuất bản lúc ${formatDateTime(doc.anchor.generatedAt)}; hash cuối ${doc.anchor.headHash}; gốc Merkle ${doc.anchor.logRoot}.`);
    pdf.text(`The public ledger up to entry #${doc.anchor.entryCount}, published ${formatDateTime(doc.anchor.generatedAt)}, holds every entry above up to that number; anyone can check them with "npm run ledger:verify-dataset -- <site>/du-lieu/ --receipt <code>".`);
    if (unpublished.length > 0) pdf.text(`Chưa có trong lần xuất bản này / Not yet in this publication: ${unpublished.join(', ')}.`);
  } else {
    pdf.text('Sổ cái chưa được xuất bản; các bút toán sẽ có trong lần xuất bản tới. / The ledger has not been published yet.');
  }

  pdf.moveDown(1).text(`Lập lúc / Issued: ${formatDateTime(issuedAt)}`);
  pdf.text('Xác nhận khoản tài trợ làm nhà cho hộ nghèo, dùng làm hồ sơ hạch toán chi phí từ thiện của doanh nghiệp. / Confirmation of a donation to build houses for poor households, for the company\'s records of a charitable expense.');
  pdf.moveDown(1).font('bold').text('ĐẠI DIỆN ĐƠN VỊ TIẾP NHẬN (ký, đóng dấu)', { align: 'right' });
  pdf.end();
  return done;
}
