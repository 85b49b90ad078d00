// Staff passwords: at least 8 characters and hard to guess by zxcvbn's estimate (score 3 of 4, which
// already counts breached/common passwords, keyboard patterns, dates and repeats, plus Vietnamese words
// people use), per ASVS 5.0 V6.2; hashed with argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane).
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../domain/errors';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
// 2 is Argon2id (the library's enum is a TypeScript const enum, absent at run time).
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_SCORE = 3;

// Words Vietnamese staff reach for (written without accents, as typed into a password): the words for
// "password", the fund, the Front, the province, places, family names and given names, seasons, love.
export const VIETNAMESE_WORDS = [
  'matkhau', 'mat khau', 'mk', 'ancu', 'an cu', 'quy', 'vinguoingheo', 'nguoingheo', 'nhatam', 'xoanhatam', 'mattran', 'mattrantoquoc',
  'mttq', 'toquoc', 'tqvn', 'vietnam', 'viet nam', 'hanoi', 'ha noi', 'saigon', 'hochiminh', 'backan', 'bac kan', 'thainguyen', 'thai nguyen',
  'nguyen', 'tran', 'le', 'pham', 'hoang', 'huynh', 'phan', 'vu', 'vo', 'dang', 'bui', 'do', 'ho', 'ngo', 'duong', 'ly',
  'anh', 'minh', 'hung', 'dung', 'linh', 'huong', 'lan', 'mai', 'thu', 'hoa', 'tuan', 'nam', 'long', 'quang', 'hai', 'hanh', 'trang', 'ngoc',
  'yeuem', 'anhyeuem', 'emyeuanh', 'yeu', 'tet', 'xuan', 'he', 'thu', 'dong', 'muaxuan', 'muahe', 'muathu', 'muadong', 'summer', 'winter',
  'spring', 'autumn', 'admin', 'quantri', 'canbo', 'ketoan', 'thuquy',
];

let estimator: ZxcvbnFactory | undefined;
// zxcvbn-ts with its common passwords and our Vietnamese words, built on first use (the lists are large).
function strength(password: string, userInputs: string[]): number {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary, vietnamese: VIETNAMESE_WORDS }, graphs: adjacencyGraphs });
  // zxcvbn is slow on very long input and nothing past 128 characters is kept anyway.
  return estimator.check(password.slice(0, PASSWORD_MAX), userInputs).score;
}

// Every reason a password is refused, Vietnamese first; an empty list means it is acceptable.
export function passwordProblems(password: string, username = ''): [string, string][] {
  const problems: [string, string][] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push([`Mật khẩu cần ít nhất ${PASSWORD_MIN} ký tự.`, `The password needs at least ${PASSWORD_MIN} characters.`]);
  if (length > PASSWORD_MAX) problems.push([`Mật khẩu tối đa ${PASSWORD_MAX} ký tự.`, `The password can have at most ${PASSWORD_MAX} characters.`]);
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase())) problems.push(['Mật khẩu không được chứa tên đăng nhập.', 'The password must not contain the username.']);
  else if (length >= PASSWORD_MIN && length <= PASSWORD_MAX && strength(password, username ? [username] : []) < PASSWORD_MIN_SCORE) {
    problems.push(['Mật khẩu quá dễ đoán (từ phổ biến, chuỗi lặp, năm tháng...); hãy dùng một câu dài vài từ.',
      'The password is too easy to guess (common words, repeats, dates...); use a longer phrase of several words.']);
  }
  return problems;
}

export function assertAcceptablePassword(password: string, username = ''): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) {
    throw new DomainError(400, 'weak_password', problems.map(([vi]) => vi).join(' '), problems.map(([, en]) => en).join(' '));
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), ARGON2);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password.normalize('NFC'));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
// Spends the same time for an unknown username as for a known one, so timing does not reveal accounts.
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('not-a-real-account-password');
  await verifyPassword(await dummy, password);
  return false;
}
