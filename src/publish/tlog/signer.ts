// The fund's checkpoint signing key (Ed25519, node:crypto): generated on first use, kept outside the
// repository in the Go note format `PRIVATE+KEY+<name>+<hash>+<base64>` so standard tools read it too.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fromBase64, toBase64 } from './sha256';
import { ALG_COSIGNATURE_V1, ALG_ED25519, NoteError, cosignedMessage, formatVerifierKey, keyHashOf, signatureLine } from './note';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface NoteSigner {
  name: string;
  /** The public verifier key string to publish (`name+hash+base64`). */
  verifierKey: string;
  /** The signature line for a note text. */
  sign(text: string): string;
}

function privateKeyOfSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyBytes(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32));
}

/** A signer from a Go-format private key string (e.g. golang.org/x/mod/sumdb/note's test key). */
export function signerFromPrivateKey(skey: string): NoteSigner {
  const match = /^PRIVATE\+KEY\+([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(skey.trim());
  if (!match) throw new NoteError('malformed private key');
  const bytes = fromBase64(match[3]!);
  if (bytes[0] !== ALG_ED25519 || bytes.length !== 33) throw new NoteError('unsupported private key');
  const name = match[1]!;
  const key = privateKeyOfSeed(bytes.subarray(1));
  const publicKey = publicKeyBytes(key);
  const keyHash = keyHashOf(name, ALG_ED25519, publicKey);
  if (keyHash.toString(16).padStart(8, '0') !== match[2]) throw new NoteError('private key hash does not match');
  return {
    name,
    verifierKey: formatVerifierKey(name, ALG_ED25519, publicKey),
    sign: (text) => signatureLine(name, keyHash, new Uint8Array(sign(null, Buffer.from(text, 'utf8'), key))),
  };
}

/** A fresh private key string for `name`. */
export function generatePrivateKey(name: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const publicKey = publicKeyBytes(privateKey);
  const hash = keyHashOf(name, ALG_ED25519, publicKey).toString(16).padStart(8, '0');
  return `PRIVATE+KEY+${name}+${hash}+${toBase64(new Uint8Array([ALG_ED25519, ...seed]))}`;
}

/** Where the fund's key lives: ANCU_LOG_KEY_FILE, or data/log-signing-key (git-ignored). */
export function signingKeyPath(): string {
  return resolve(process.env.ANCU_LOG_KEY_FILE ?? 'data/log-signing-key');
}

/**
 * The fund's signer, creating the key on first use with `name` (the log's origin). The file is written
 * owner-read-only; the key's name, not the caller's, is what later checkpoints carry.
 */
export function fundSigner(name: string, path = signingKeyPath()): NoteSigner {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    // Written aside then linked into place: a concurrent first use never reads a half-written key.
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${generatePrivateKey(name)}\n`, { mode: 0o600 });
    try {
      linkSync(temp, path);
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temp);
    }
  }
  return signerFromPrivateKey(readFileSync(path, 'utf8'));
}

/** A witness for tests and for a fund running its own second key: Ed25519 cosignatures (tlog-cosignature v1). */
export function cosigner(name: string, seed: Uint8Array): { verifierKey: string; cosign(text: string, timestamp: number): string } {
  const key = privateKeyOfSeed(seed);
  const publicKey = publicKeyBytes(key);
  const keyHash = keyHashOf(name, ALG_COSIGNATURE_V1, publicKey);
  return {
    verifierKey: formatVerifierKey(name, ALG_COSIGNATURE_V1, publicKey),
    cosign(text, timestamp) {
      const signature = new Uint8Array(sign(null, Buffer.from(cosignedMessage(text, timestamp)), key));
      const body = new Uint8Array(72);
      new DataView(body.buffer).setUint32(0, Math.floor(timestamp / 2 ** 32));
      new DataView(body.buffer).setUint32(4, timestamp >>> 0);
      body.set(signature, 8);
      return signatureLine(name, keyHash, body);
    },
  };
}
