// The donor emails, as pure functions of what the outbox row holds: Vietnamese first, English below,
// plain text and simple HTML, no images or tracking, and nothing about anyone but the recipient.
import { formatDate, formatVnd } from '../i18n/format';
import { escapeHtml } from '../staff/html';

/** Where a gift's money went, by public names only. */
export interface MoneyWent { houseCode: string | null; houseVnd: number; communeName: string | null; communeVnd: number; generalVnd: number }

export type MailPayload =
  | { kind: 'receipt'; receiptCode: string; amountVnd: number; receivedOn: string; channel: 'card' | 'bank_transfer' | 'office'; went: MoneyWent; entryId: number | null }
  | { kind: 'refund'; receiptCode: string; amountVnd: number; on: string; reason: 'refund' | 'dispute' }
  | { kind: 'handover'; receiptCode: string; houseCode: string; communeName: string; handedOverOn: string; shareVnd: number }
  /** Business confirmations and feedback answers: the caller writes the words, in both languages. */
  | { kind: 'business_confirmation' | 'feedback_answer'; receiptCode: string | null; subject: { vi: string; en: string }; lines: { vi: string[]; en: string[] } };

/** The published checkpoint the message can point to, when the dataset has one. */
export interface CheckpointRef { entryCount: number; headHash: string }

export interface MessageLinks {
  /** The site's public origin, e.g. https://ancu.example.vn (no trailing slash). */
  site: string;
  unsubscribe: string;
}

export interface RenderedMessage { subject: string; text: string; html: string }


// The lookup page that shows where a gift's money went, for anyone holding the code.
export const lookupLink = (site: string, receiptCode: string) => `${site}/tra-cuu/?code=${encodeURIComponent(receiptCode)}`;

interface Parts { subject: { vi: string; en: string }; vi: string[]; en: string[]; receiptCode: string | null }

function wentLines(went: MoneyWent): { vi: string[]; en: string[] } {
  const vi: string[] = [];
  const en: string[] = [];
  if (went.houseVnd > 0) { vi.push(`${formatVnd(went.houseVnd)} cho nhà ${went.houseCode}`); en.push(`${formatVnd(went.houseVnd)} to house ${went.houseCode}`); }
  if (went.communeVnd > 0) { vi.push(`${formatVnd(went.communeVnd)} vào quỹ ${went.communeName}`); en.push(`${formatVnd(went.communeVnd)} to the pool of ${went.communeName}`); }
  if (went.generalVnd > 0) { vi.push(`${formatVnd(went.generalVnd)} vào quỹ chung`); en.push(`${formatVnd(went.generalVnd)} to the general fund`); }
  return { vi, en };
}

const channelName = { card: ['thẻ', 'card'], bank_transfer: ['chuyển khoản', 'bank transfer'], office: ['tiền mặt tại văn phòng', 'cash at the office'] } as const;

// Each kind's words; the frame (greeting, link, unsubscribe) is shared below.
function parts(payload: MailPayload, checkpoint: CheckpointRef | null): Parts {
  switch (payload.kind) {
    case 'receipt': {
      const went = wentLines(payload.went);
      const anchored = checkpoint && payload.entryId !== null && payload.entryId <= checkpoint.entryCount;
      return {
        receiptCode: payload.receiptCode,
        subject: { vi: `Biên nhận ${payload.receiptCode}: đã nhận ${formatVnd(payload.amountVnd)}`, en: `Receipt ${payload.receiptCode}: ${formatVnd(payload.amountVnd)} received` },
        vi: [
          `Quỹ "Vì người nghèo" đã nhận khoản ủng hộ của bạn. Xin cảm ơn!`,
          `Mã biên nhận: ${payload.receiptCode}`,
          `Số tiền: ${formatVnd(payload.amountVnd)} (${channelName[payload.channel][0]}), ngày ${formatDate(payload.receivedOn)}`,
          ...(went.vi.length ? [`Tiền đã đến: ${went.vi.join('; ')}.`] : []),
          ...(payload.entryId !== null ? [`Ghi sổ công khai ở bút toán #${payload.entryId}.`] : []),
          ...(anchored ? [`Bút toán này nằm trong điểm kiểm tra đã công bố (${checkpoint.entryCount} bút toán, mã băm ${checkpoint.headHash}).`] : []),
        ],
        en: [
          `The "For the Poor" fund has received your gift. Thank you!`,
          `Receipt code: ${payload.receiptCode}`,
          `Amount: ${formatVnd(payload.amountVnd)} (${channelName[payload.channel][1]}), on ${formatDate(payload.receivedOn)}`,
          ...(went.en.length ? [`Where it went: ${went.en.join('; ')}.`] : []),
          ...(payload.entryId !== null ? [`Recorded in the public ledger as entry #${payload.entryId}.`] : []),
          ...(anchored ? [`This entry is in the published checkpoint (${checkpoint.entryCount} entries, head hash ${checkpoint.headHash}).`] : []),
        ],
      };
    }
    case 'refund':
      return {
        receiptCode: payload.receiptCode,
        subject: { vi: `Biên nhận ${payload.receiptCode}: khoản ủng hộ đã được hoàn lại`, en: `Receipt ${payload.receiptCode}: your gift was returned` },
        vi: [
          payload.reason === 'refund' ? `Khoản ủng hộ ${formatVnd(payload.amountVnd)} (mã ${payload.receiptCode}) đã được hoàn lại cho bạn ngày ${formatDate(payload.on)}.`
            : `Khoản ủng hộ ${formatVnd(payload.amountVnd)} (mã ${payload.receiptCode}) đã bị ngân hàng thu hồi ngày ${formatDate(payload.on)} do khiếu nại thẻ.`,
          'Sổ cái công khai ghi một bút toán đảo ngược; không có bút toán nào bị sửa hay xoá.',
        ],
        en: [
          payload.reason === 'refund' ? `Your gift of ${formatVnd(payload.amountVnd)} (code ${payload.receiptCode}) was refunded on ${formatDate(payload.on)}.`
            : `Your gift of ${formatVnd(payload.amountVnd)} (code ${payload.receiptCode}) was taken back by the card issuer on ${formatDate(payload.on)} after a dispute.`,
          'The public ledger records a reversing entry; nothing was edited or deleted.',
        ],
      };
    case 'handover':
      return {
        receiptCode: payload.receiptCode,
        subject: { vi: `Nhà ${payload.houseCode} đã bàn giao`, en: `House ${payload.houseCode} has been handed over` },
        vi: [
          `Ngôi nhà ${payload.houseCode} (${payload.communeName}) mà bạn góp ${formatVnd(payload.shareVnd)} đã được bàn giao cho gia đình ngày ${formatDate(payload.handedOverOn)}.`,
          `Mã biên nhận của bạn: ${payload.receiptCode}`,
        ],
        en: [
          `House ${payload.houseCode} (${payload.communeName}), to which you gave ${formatVnd(payload.shareVnd)}, was handed over to its family on ${formatDate(payload.handedOverOn)}.`,
          `Your receipt code: ${payload.receiptCode}`,
        ],
      };
    default:
      return { receiptCode: payload.receiptCode, subject: payload.subject, vi: payload.lines.vi, en: payload.lines.en };
  }
}

// The whole message: both languages, the lookup link, why the donor gets it and how to stop.
export function renderMessage(payload: MailPayload, links: MessageLinks, checkpoint: CheckpointRef | null = null): RenderedMessage {
  const p = parts(payload, checkpoint);
  const lookup = p.receiptCode ? lookupLink(links.site, p.receiptCode) : null;
  const privacy = `${links.site}/rieng-tu/`;
  const vi = [...p.vi, ...(lookup ? [`Xem tiền của bạn đi đâu: ${lookup}`] : [])];
  const en = [...p.en, ...(lookup ? [`See where your money went: ${lookup}`] : [])];
  const footVi = payload.kind === 'receipt'
    ? `Bạn nhận thư này vì đã để lại email khi ủng hộ. Không nhận thư cập nhật nữa: ${links.unsubscribe} · Quyền riêng tư, xoá email: ${privacy}`
    : `Bạn nhận thư này vì đã để lại email khi ủng hộ. Không nhận thư như thế này nữa: ${links.unsubscribe} · Quyền riêng tư, xoá email: ${privacy}`;
  const footEn = payload.kind === 'receipt'
    ? `You get this because you left your email with your gift. No more updates: ${links.unsubscribe} · Privacy and erasure: ${privacy}`
    : `You get this because you left your email with your gift. No more messages like this: ${links.unsubscribe} · Privacy and erasure: ${privacy}`;
  const text = [...vi, '', footVi, '', '— English —', '', ...en, '', footEn, ''].join('\n');
  const para = (line: string) => `<p>${escapeHtml(line).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</p>`;
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>', escapeHtml(p.subject.vi), '</title></head>',
    '<body style="font-family:sans-serif;line-height:1.5;max-width:40rem">',
    ...vi.map(para), `<p style="color:#555;font-size:90%">${para(footVi).slice(3, -4)}</p>`,
    '<hr><div lang="en">', ...en.map(para), `<p style="color:#555;font-size:90%">${para(footEn).slice(3, -4)}</p>`, '</div>',
    '</body></html>',
  ].join('');
  return { subject: `${p.subject.vi} / ${p.subject.en}`, text, html };
}
