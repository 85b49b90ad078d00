// The pure parts of donor email: the words of each message, the retry schedule, the settings, the
// origin rule that lets mail providers' one-click unsubscribe through and nothing else.
import { describe, expect, it } from 'vitest';
import { renderMessage, type MailPayload } from '../../src/mail/messages';
import { defaultRetry, mailSettings, retryDelayMs } from '../../src/mail/worker';
import { maskEmail } from '../../src/mail/staff';
import { crossSiteFormRefused } from '../../src/origin';

const links = { site: 'https://ancu.example.vn', unsubscribe: 'https://ancu.example.vn/api/mail/unsubscribe?t=abcdefghijklmnopqrstuvwx' };
const receipt: MailPayload = {
  kind: 'receipt', receiptCode: 'AC7K2M9QXP', amountVnd: 1_234_567, receivedOn: '2024-09-05', channel: 'bank_transfer', entryId: 42,
  went: { houseCode: 'BK-00012', houseVnd: 1_000_000, communeName: 'Xã <A>', communeVnd: 234_567, generalVnd: 0 },
};

describe('donor messages', () => {
  it('a receipt gives code, amount, date, where the money went and the lookup link, Vietnamese first', () => {
    const m = renderMessage(receipt, links);
    expect(m.subject).toBe('Biên nhận AC7K2M9QXP: đã nhận 1.234.567 ₫ / Receipt AC7K2M9QXP: 1.234.567 ₫ received');
    expect(m.text).toContain('Số tiền: 1.234.567 ₫ (chuyển khoản), ngày 05/09/2024');
    expect(m.text).toContain('Tiền đã đến: 1.000.000 ₫ cho nhà BK-00012; 234.567 ₫ vào quỹ Xã <A>.');
    expect(m.text).toContain('Where it went: 1.000.000 ₫ to house BK-00012; 234.567 ₫ to the pool of Xã <A>.');
    expect(m.text.indexOf('Mã biên nhận')).toBeLessThan(m.text.indexOf('Receipt code'));
    expect(m.text).toContain('https://ancu.example.vn/tra-cuu/?code=AC7K2M9QXP');
    expect(m.text).not.toContain('điểm kiểm tra');
    // Text from the database is escaped in HTML; no images, scripts or remote styles.
    expect(m.html).toContain('Xã &lt;A&gt;');
    expect(m.html).not.toMatch(/<img|<script|<link|url\(/i);
    expect(m.html).toContain(`<a href="${links.unsubscribe}">`);
  });

  it('cites the checkpoint only when it already holds the gift\'s entry', () => {
    const hash = 'ab'.repeat(32);
    expect(renderMessage(receipt, links, { entryCount: 42, headHash: hash }).text).toContain(`(42 bút toán, mã băm ${hash})`);
    expect(renderMessage(receipt, links, { entryCount: 41, headHash: hash }).text).not.toContain(hash);
  });

  it('handover and refund notes name only this donor\'s receipt and share', () => {
    const handover = renderMessage({ kind: 'handover', receiptCode: 'AC7K2M9QXP', houseCode: 'BK-00012', communeName: 'Xã A', handedOverOn: '2024-12-01', shareVnd: 500_000 }, links);
    expect(handover.subject).toBe('Nhà BK-00012 đã bàn giao / House BK-00012 has been handed over');
    expect(handover.text).toContain('mà bạn góp 500.000 ₫ đã được bàn giao cho gia đình ngày 01/12/2024');
    const refund = renderMessage({ kind: 'refund', receiptCode: 'AC7K2M9QXP', amountVnd: 400_000, on: '2024-10-02', reason: 'dispute' }, links);
    expect(refund.text).toContain('đã bị ngân hàng thu hồi ngày 02/10/2024');
    expect(refund.text).toContain('No more messages like this');
  });
});

describe('retries and settings', () => {
  it('doubles the wait after each failure up to the cap', () => {
    const p = { ...defaultRetry, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(p, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('sends nothing without SMTP_HOST and refuses a bad port clearly', () => {
    expect(mailSettings({})).toBeUndefined();
    expect(mailSettings({ SMTP_HOST: 'smtp.example.vn', SMTP_USER: 'u', SMTP_PASSWORD: 'p', PUBLIC_SITE_URL: 'https://ancu.example.vn/' })).toMatchObject({
      smtp: { host: 'smtp.example.vn', port: 587, secure: false, auth: { user: 'u', pass: 'p' } }, site: 'https://ancu.example.vn',
    });
    expect(() => mailSettings({ SMTP_HOST: 'smtp.example.vn', SMTP_PORT: '99999' })).toThrow(/SMTP_PORT/);
  });

  it('masks addresses on the staff page', () => {
    expect(maskEmail('lan.tran@example.vn')).toBe('l***@example.vn');
    expect(maskEmail(null)).toBe('—');
  });
});

describe('cross-site form posts', () => {
  const post = (path: string, headers: Record<string, string>) => {
    const url = new URL(`https://ancu.example.vn${path}`);
    return crossSiteFormRefused(new Request(url, { method: 'POST', headers, body: 'x' }), url);
  };
  it('refuses a form post from another origin or without one, except the one-click unsubscribe', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect(post('/ung-ho', form)).toBe(true);
    expect(post('/ung-ho', { ...form, origin: 'https://evil.example' })).toBe(true);
    expect(post('/ung-ho', { ...form, origin: 'https://ancu.example.vn' })).toBe(false);
    expect(post('/staff/login', { 'content-type': 'multipart/form-data; boundary=x' })).toBe(true);
    expect(post('/api/mail/unsubscribe', form)).toBe(false);
    expect(post('/api/mail/unsubscribe/', { ...form, origin: 'https://mail.example' })).toBe(false);
    expect(post('/api/mail/unsubscribe-not', form)).toBe(true);
    // Stripe's webhook is JSON, not a form: allowed, as Astro's own check allowed it.
    expect(post('/api/stripe/webhook', { 'content-type': 'application/json' })).toBe(false);
    const get = new URL('https://ancu.example.vn/ung-ho');
    expect(crossSiteFormRefused(new Request(get), get)).toBe(false);
  });
});
