import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L or U: codes are read aloud and typed into bank memos.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

// Receipt codes are random, never derived from who gave; "AC" + 8 characters survives bank memo mangling.
export function newReceiptCode(random: (max: number) => number = randomInt): string {
  let code = 'AC';
  for (let i = 0; i < 8; i++) code += ALPHABET[random(ALPHABET.length)];
  return code;
}

// House codes number the campaign's houses in order: public, and free of personal data.
export function houseCode(prefix: string, houseId: number): string {
  return `${prefix}-${String(houseId).padStart(5, '0')}`;
}
