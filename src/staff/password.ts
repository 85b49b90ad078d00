// Staff passwords: a length rule and a check against common passwords (ASVS 2.1), hashed with
// argon2id at OWASP's recommended minimum (19 MiB memory, 2 passes, 1 lane).
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../domain/errors';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
// 2 is Argon2id (the library's enum is a TypeScript const enum, absent at run time).
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let common: Set<string> | undefined;
// The 49,000 most common passwords from real breaches (zxcvbn-ts's list), loaded on first use.
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary as Record<string, string[]>)['passwords-common']!.map((p) => p.toLowerCase()));
  return common;
}

// Every reason a password is refused, Vietnamese first; an empty list means it is acceptable.
export function passwordProblems(password: string, username = ''): [string, string][] {
  const problems: [string, string][] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push([`Mật khẩu cần ít nhất ${PASSWORD_MIN} ký tự.`, `The password needs at least ${PASSWORD_MIN} characters.`]);
  if (length > PASSWORD_MAX) problems.push([`Mật khẩu tối đa ${PASSWORD_MAX} ký tự.`, `The password can have at most ${PASSWORD_MAX} characters.`]);
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) problems.push(['Mật khẩu này quá phổ biến; hãy chọn mật khẩu khác.', 'This password is too common; choose another.']);
  if (username && lower.includes(username.toLowerCase())) problems.push(['Mật khẩu không được chứa tên đăng nhập.', 'The password must not contain the username.']);
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
