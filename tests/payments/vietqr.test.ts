import { describe, expect, it } from 'vitest';
import { asciiMemo, crc16CcittFalse, parseVietQr, vietQrPayload } from '../../src/payments/vietqr';

describe('VietQR payload', () => {
  it('computes CRC-16/CCITT-FALSE: the catalogue check value of "123456789" is 29B1', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
    expect(crc16CcittFalse('')).toBe('FFFF');
    expect(crc16CcittFalse('A')).toBe('B915');
  });

  it('reproduces a published VietQR example byte for byte (VietinBank, 120.000 ₫, "ủng hộ lũ lụt")', () => {
    // The example printed in the README of the open-source subiz/vietqr generator.
    expect(vietQrPayload({ bankBin: '970415', accountNo: '0011001932418', amountVnd: 120_000, purpose: 'ủng hộ lũ lụt' }))
      .toBe('00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C');
  });

  it('carries the fund account, the amount and the receipt code in 62.08, and parses back', () => {
    const payload = vietQrPayload({ bankBin: '970436', accountNo: '1234567890', amountVnd: 500_000, purpose: 'AC7K2M9QXP' });
    const fields = parseVietQr(payload);
    expect(fields).toMatchObject({
      '00': '01', '01': '12', '38.00': 'A000000727', '38.01.00': '970436', '38.01.01': '1234567890',
      '38.02': 'QRIBFTTA', '53': '704', '54': '500000', '58': 'VN', '62.08': 'AC7K2M9QXP',
    });
  });

  it('is a static code without an amount, and refuses a changed byte', () => {
    const payload = vietQrPayload({ bankBin: '970436', accountNo: '1234567890' });
    expect(parseVietQr(payload)['01']).toBe('11');
    expect(parseVietQr(payload)['54']).toBeUndefined();
    expect(() => parseVietQr(payload.replace('1234567890', '1234567891'))).toThrow(/CRC/);
  });

  it('refuses a bad BIN, account or amount', () => {
    expect(() => vietQrPayload({ bankBin: '97043', accountNo: '1' })).toThrow(/BIN/);
    expect(() => vietQrPayload({ bankBin: '970436', accountNo: '12 34' })).toThrow(/account/);
    expect(() => vietQrPayload({ bankBin: '970436', accountNo: '1', amountVnd: 10.5 })).toThrow(/whole/);
    expect(() => vietQrPayload({ bankBin: '970436', accountNo: '1', amountVnd: 0 })).toThrow(/whole/);
  });

  it('strips Vietnamese tones and đ from the memo', () => {
    expect(asciiMemo('Ủng hộ Quỹ Vì người nghèo Đồng Hỷ')).toBe('Ung ho Quy Vi nguoi ngheo Dong Hy');
  });

  it('anchors the BIN at both ends, and keeps the memo to 25 printable ASCII characters, trimmed', () => {
    for (const bankBin of ['9704361', 'x970436', '970436x']) expect(() => vietQrPayload({ bankBin, accountNo: '1' }), bankBin).toThrow(/BIN/);
    expect(asciiMemo('  đồng bào 🏠 vùng lũ  ')).toBe('dong bao  vung lu');
    const fields = parseVietQr(vietQrPayload({ bankBin: '970436', accountNo: '1', purpose: 'Ủng hộ nhà BK-00012 của bà Nguyễn' }));
    expect(fields['62.08']).toBe('Ung ho nha BK-00012 cua b');
    expect(parseVietQr(vietQrPayload({ bankBin: '970436', accountNo: '1', purpose: '🏠 ' }))).not.toHaveProperty('62');
  });

  it('refuses a field whose length or id is malformed even when the CRC is right', () => {
    const withCrc = (body: string) => `${body}6304${crc16CcittFalse(`${body}6304`)}`;
    expect(() => parseVietQr(withCrc('000201' + '0199'))).toThrow(/Malformed VietQR field at 6/);
    expect(() => parseVietQr(withCrc('000201' + 'X1020A'))).toThrow(/Malformed/);
    expect(() => parseVietQr(withCrc('000201' + '01xx12'))).toThrow(/Malformed/);
    expect(parseVietQr(withCrc('000201' + '5802VN'))).toMatchObject({ '00': '01', '58': 'VN', '63': expect.any(String) });
  });
});
