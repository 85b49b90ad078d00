// The receipt or handover record attached to a payment: a photo (re-encoded without its metadata, as
// stage photos are) or a PDF with no active content. Kept outside the code under a name taken from its content, shown
// only to staff, never published.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../domain/errors';
import { cleanPhoto, photosDir, PHOTO_MAX_BYTES, sniffImage } from './photos';

export type ReceiptKind = 'photo' | 'pdf';

export interface CleanReceipt {
  kind: ReceiptKind;
  data: Buffer;
}

export const RECEIPT_NAME = /^[0-9a-f]{32}\.(jpg|pdf)$/;

// Names in a PDF that run code, open other files or carry files inside it: none belongs in a scanned receipt.
const ACTIVE_PDF = /\/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|OpenAction|AA|SubmitForm|ImportData|GoToR)\b/;

// A PDF by its first bytes, whole (it ends with %%EOF), with no active content.
function checkPdf(bytes: Buffer): Buffer {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-' || !bytes.subarray(-1024).toString('latin1').includes('%%EOF')) {
    throw new DomainError(415, 'not_a_receipt', 'Tệp không phải PDF hoàn chỉnh.', 'The file is not a complete PDF.', { field: 'receipt' });
  }
  if (ACTIVE_PDF.test(bytes.toString('latin1'))) {
    throw new DomainError(415, 'active_pdf', 'Tệp PDF có mã chạy, tệp đính kèm hoặc lệnh tự mở: hãy quét hoặc in lại biên bản thành PDF thường, hoặc chụp ảnh.',
      'The PDF holds scripts, attached files or automatic actions: scan or print the record to a plain PDF, or take a photo.', { field: 'receipt' });
  }
  return bytes;
}

// Photos lose their metadata (a phone's GPS tag would say where the family lives); PDFs must be plain.
export async function cleanReceipt(bytes: Buffer): Promise<CleanReceipt> {
  if (bytes.length === 0) throw new DomainError(400, 'receipt_missing', 'Hãy đính kèm ảnh hoặc tệp PDF của biên nhận hay biên bản bàn giao.', 'Attach a photo or PDF of the receipt or handover record.', { field: 'receipt' });
  if (bytes.length > PHOTO_MAX_BYTES) {
    throw new DomainError(413, 'receipt_too_large', `Tệp lớn hơn ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`, `The file is larger than ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`, { field: 'receipt' });
  }
  if (sniffImage(bytes)) {
    try {
      return { kind: 'photo', data: (await cleanPhoto(bytes)).data };
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(error.status, error.code, error.message, error.messageEn, { field: 'receipt' });
      throw error;
    }
  }
  return { kind: 'pdf', data: checkPdf(bytes) };
}

function receiptsDir(): string {
  return join(photosDir(), 'receipts');
}

// Named by its content, so a resent form names the same file (and replays) instead of differing; written
// as a temporary file, then renamed. `created` says whether this call wrote it, for the caller to undo.
export async function storeReceipt(receipt: CleanReceipt): Promise<{ name: string; created: boolean }> {
  await mkdir(receiptsDir(), { recursive: true });
  const name = `${createHash('sha256').update(receipt.data).digest('hex').slice(0, 32)}.${receipt.kind === 'photo' ? 'jpg' : 'pdf'}`;
  const path = join(receiptsDir(), name);
  try {
    await writeFile(path, '', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { name, created: false };
    throw error;
  }
  await writeFile(`${path}.part`, receipt.data);
  await rename(`${path}.part`, path);
  return { name, created: true };
}

export async function removeReceipt(name: string): Promise<void> {
  if (RECEIPT_NAME.test(name)) await unlink(join(receiptsDir(), name)).catch(() => {});
}

// Only names this module wrote are read, so a stored value can never reach outside the folder.
export function readReceipt(name: string): Promise<Buffer> {
  if (!RECEIPT_NAME.test(name)) throw new TypeError('not a receipt name');
  return readFile(join(receiptsDir(), name));
}
