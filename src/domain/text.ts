// Free text as people type it, made safe to store and publish: NFC-normalised (one spelling for each
// Vietnamese letter), trimmed, bounded, and refused if it carries invisible control or format
// characters (Unicode Cc and Cf: NUL, ESC, bidi overrides such as U+202E, zero-width spaces), which
// can disguise what a published name says, break CSV and logs, or make the database refuse the row.
import { z } from 'zod';

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
// Line breaks and tabs are ordinary in a multi-line memo; every other control or format character is not.
const CONTROL_OR_FORMAT_BUT_LINES = /(?![\n\t])[\p{Cc}\p{Cf}]/u;

export const CONTROL_MESSAGE = 'Văn bản chứa ký tự điều khiển hoặc ký tự ẩn / The text contains control or invisible characters';

// Whether text has a character free text may not hold.
export function hasControlCharacters(text: string, multiline = false): boolean {
  return (multiline ? CONTROL_OR_FORMAT_BUT_LINES : CONTROL_OR_FORMAT).test(text);
}

// One string schema for every free-text input: NFC, trimmed, min..max characters, no Cc/Cf.
export function freeText(min: number, max: number, options: { multiline?: boolean; tooShort?: string; tooLong?: string } = {}) {
  const tooLong = options.tooLong ?? `Văn bản quá dài (tối đa ${max} ký tự) / The text is too long (at most ${max} characters)`;
  return z.string()
    // Bound the work before normalising: NFC never makes text more than a few times longer.
    .max(max * 4 + 64, tooLong)
    .transform((text) => text.normalize('NFC').replace(/\r\n?/g, '\n').trim())
    .pipe(z.string()
      .min(min, options.tooShort ?? (min <= 1 ? 'Không được để trống / Required' : `Cần ít nhất ${min} ký tự / At least ${min} characters`))
      .max(max, tooLong)
      .refine((text) => !hasControlCharacters(text, options.multiline), CONTROL_MESSAGE));
}
