// VietQR (NAPAS EMVCo) payloads for a transfer to the fund's account, with the receipt code in the memo.
// Pure: no I/O, so banking apps and tests can be checked against the same bytes.

const GUID = 'A000000727';
const SERVICE_TO_ACCOUNT = 'QRIBFTTA';
const CURRENCY_VND = '704';

export interface VietQrTransfer {
  /** The NAPAS bank identification number (6 digits), e.g. 970436 for Vietcombank. */
  bankBin: string;
  accountNo: string;
  amountVnd?: number;
  /** Goes to field 62.08; diacritics are removed because banking apps expect ASCII. */
  purpose?: string;
}

// Every EMVCo field is id, two-digit length, value; a value over 99 characters cannot be encoded.
function field(id: string, value: string): string {
  if (value.length > 99) throw new RangeError(`VietQR field ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over the UTF-8 bytes, as EMVCo field 63 requires.
export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

// Bank apps show the memo as typed; "đ" and tones would be dropped or garbled by some of them.
export function asciiMemo(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7E]/g, '').trim();
}

// The payload string a QR code carries; with an amount it is a one-time (dynamic, "12") code.
export function vietQrPayload(transfer: VietQrTransfer): string {
  if (!/^\d{6}$/.test(transfer.bankBin)) throw new RangeError('The bank BIN must be 6 digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(transfer.accountNo)) throw new RangeError('The account number must be 1–19 letters or digits');
  if (transfer.amountVnd !== undefined && !(Number.isSafeInteger(transfer.amountVnd) && transfer.amountVnd > 0)) {
    throw new RangeError('The amount must be a whole number of đồng above zero');
  }
  const purpose = transfer.purpose === undefined ? '' : asciiMemo(transfer.purpose).slice(0, 25);
  const beneficiary = field('00', transfer.bankBin) + field('01', transfer.accountNo);
  const merchant = field('00', GUID) + field('01', beneficiary) + field('02', SERVICE_TO_ACCOUNT);
  let payload = field('00', '01')
    + field('01', transfer.amountVnd === undefined ? '11' : '12')
    + field('38', merchant)
    + field('53', CURRENCY_VND)
    + (transfer.amountVnd === undefined ? '' : field('54', String(transfer.amountVnd)))
    + field('58', 'VN')
    + (purpose ? field('62', field('08', purpose)) : '');
  payload += '6304';
  return payload + crc16CcittFalse(payload);
}

// Reads a payload back into its fields (nested templates 38 and 62 included) and checks the CRC.
export function parseVietQr(payload: string): Record<string, string> {
  const body = payload.slice(0, -4);
  if (!body.endsWith('6304') || crc16CcittFalse(body) !== payload.slice(-4)) throw new Error('VietQR CRC does not match');
  const fields: Record<string, string> = {};
  const walk = (text: string, prefix: string) => {
    for (let i = 0; i < text.length;) {
      const id = text.slice(i, i + 2);
      const length = Number(text.slice(i + 2, i + 4));
      const value = text.slice(i + 4, i + 4 + length);
      if (!/^\d{2}$/.test(id) || !Number.isInteger(length) || value.length !== length) throw new Error(`Malformed VietQR field at ${prefix}${i}`);
      fields[prefix + id] = value;
      if ((prefix === '' && (id === '38' || id === '62')) || prefix === '38.' && id === '01') walk(value, `${prefix}${id}.`);
      i += 4 + length;
    }
  };
  walk(payload, '');
  return fields;
}
