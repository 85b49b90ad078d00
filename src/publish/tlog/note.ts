// Signed notes (https://c2sp.org/signed-note, golang.org/x/mod/sumdb/note), checkpoints
// (https://c2sp.org/tlog-checkpoint) and Ed25519 cosignatures (https://c2sp.org/tlog-cosignature).
// Parsing is pure; signatures are checked with Web Crypto, present in browsers and in Node 18+.
import { fromBase64, sha256, toBase64, utf8 } from './sha256';
import type { Hash } from './merkle';

export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;

export interface NoteSignature {
  name: string;
  keyHash: number;
  /** The signature bytes after the 4-byte key hash. */
  signature: Uint8Array;
}

export interface Note {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifierKey {
  name: string;
  keyHash: number;
  alg: number;
  publicKey: Uint8Array;
}

export class NoteError extends Error {}

// Key names are free text except whitespace and "+", which would make key strings ambiguous.
const validName = (name: string) => name.length > 0 && !/[\s+]/u.test(name);

/** The 32-bit key hash: SHA-256(name ‖ "\n" ‖ alg ‖ public key)[:4], big-endian. */
export function keyHashOf(name: string, alg: number, publicKey: Uint8Array): number {
  const digest = sha256(utf8(`${name}\n`), new Uint8Array([alg]), publicKey);
  return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** `name+hash+base64(alg ‖ key)`, the verifier key string people copy. */
export function formatVerifierKey(name: string, alg: number, publicKey: Uint8Array): string {
  if (!validName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  const keyBytes = new Uint8Array(1 + publicKey.length);
  keyBytes[0] = alg;
  keyBytes.set(publicKey, 1);
  return `${name}+${hex8(keyHashOf(name, alg, publicKey))}+${toBase64(keyBytes)}`;
}

/** Parses a verifier key; refuses a wrong hash, an unknown algorithm or a key of the wrong length. */
export function parseVerifierKey(vkey: string): VerifierKey {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!match) throw new NoteError('malformed verifier key');
  const [, name, hash, b64] = match as unknown as [string, string, string, string];
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(b64);
  } catch {
    throw new NoteError('malformed verifier key');
  }
  const alg = bytes[0];
  const publicKey = bytes.subarray(1);
  if ((alg !== ALG_ED25519 && alg !== ALG_COSIGNATURE_V1) || publicKey.length !== 32) throw new NoteError('unknown verifier key algorithm or length');
  if (hex8(keyHashOf(name, alg, publicKey)) !== hash) throw new NoteError('verifier key hash does not match the key');
  return { name, keyHash: parseInt(hash, 16), alg, publicKey };
}

/** Splits a note into its text and signature lines, with the spec's rules (Go's note.Open). */
export function parseNote(message: string): Note {
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(message) || message.includes('\uFFFD')) throw new NoteError('malformed note');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (!block.endsWith('\n')) throw new NoteError('malformed note');
  const signatures: NoteSignature[] = [];
  for (const line of block.slice(0, -1).split('\n')) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || !validName(match[1]!)) throw new NoteError('malformed note');
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(match[2]!);
    } catch {
      throw new NoteError('malformed note');
    }
    if (bytes.length < 5) throw new NoteError('malformed note');
    signatures.push({ name: match[1]!, keyHash: ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0, signature: bytes.slice(4) });
  }
  if (signatures.length > 100) throw new NoteError('malformed note');
  return { text, signatures };
}

/** A signature line for `key`: `— name base64(key hash ‖ signature)`. */
export function signatureLine(name: string, keyHash: number, signature: Uint8Array): string {
  const bytes = new Uint8Array(4 + signature.length);
  new DataView(bytes.buffer).setUint32(0, keyHash);
  bytes.set(signature, 4);
  return `\u2014 ${name} ${toBase64(bytes)}\n`;
}

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new NoteError('this JavaScript runtime has no Web Crypto');
  return s;
}

// Ed25519 through Web Crypto; a runtime without it says so instead of passing silently.
export async function ed25519Verify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false;
  let key: CryptoKey;
  try {
    key = await subtle().importKey('raw', publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    throw new NoteError(`Ed25519 is not available in this runtime: ${(error as Error).message}`);
  }
  return subtle().verify({ name: 'Ed25519' }, key, signature as BufferSource, message as BufferSource);
}

/** The bytes an Ed25519 cosigner signs: `cosignature/v1`, `time <t>`, then the checkpoint text. */
export function cosignedMessage(text: string, timestamp: number): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** Whether one signature line is a valid signature by `key` over the note text. */
export async function checkSignature(note: Note, sig: NoteSignature, key: VerifierKey): Promise<{ ok: boolean; timestamp?: number }> {
  if (sig.name !== key.name || sig.keyHash !== key.keyHash) return { ok: false };
  if (key.alg === ALG_ED25519) return { ok: await ed25519Verify(key.publicKey, sig.signature, utf8(note.text)) };
  if (sig.signature.length !== 72) return { ok: false };
  const view = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8);
  const timestamp = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
  return { ok: await ed25519Verify(key.publicKey, sig.signature.subarray(8), cosignedMessage(note.text, timestamp)), timestamp };
}

export interface NoteVerdict {
  /** Names of the keys whose signatures verified. */
  verified: string[];
  /** Why the note is not accepted, or null when the log's key and enough witnesses signed. */
  failure: string | null;
}

/**
 * Verifies a note against the log's key (required) and the configured witnesses (at least `threshold` of
 * them). Signatures by unknown keys are ignored, as the spec requires; a known key with a bad signature fails.
 */
export async function verifyNote(note: Note, logKey: VerifierKey, witnesses: VerifierKey[] = [], threshold = 0): Promise<NoteVerdict> {
  const verified: string[] = [];
  for (const key of [logKey, ...witnesses]) {
    const sig = note.signatures.find((s) => s.name === key.name && s.keyHash === key.keyHash);
    if (!sig) continue;
    const { ok } = await checkSignature(note, sig, key);
    if (!ok) return { verified, failure: `the signature by ${key.name} does not verify` };
    verified.push(key.name);
  }
  if (!verified.includes(logKey.name)) return { verified, failure: `not signed by the log key ${logKey.name}` };
  const witnessed = verified.filter((name) => name !== logKey.name).length;
  if (witnessed < threshold) return { verified, failure: `${witnessed} of the required ${threshold} witness cosignatures` };
  return { verified, failure: null };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** Lines after the root hash (ours: `time …`, `chain …`, `dataset …`). */
  extensions: string[];
}

/** The checkpoint text: origin, tree size, base64 root hash, extension lines, each ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (!checkpoint.origin || /\n/.test(checkpoint.origin)) throw new NoteError('invalid origin');
  if (checkpoint.extensions.some((line) => !line || line.includes('\n'))) throw new NoteError('invalid extension line');
  return [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.root), ...checkpoint.extensions].join('\n') + '\n';
}

/** Parses a checkpoint's text per tlog-checkpoint: no leading zeros, a 32-byte standard-base64 root. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.pop() !== '' || lines.length < 3 || lines.some((l) => l === '')) throw new NoteError('malformed checkpoint');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new NoteError('malformed checkpoint tree size');
  let rootBytes: Uint8Array;
  try {
    rootBytes = fromBase64(root);
  } catch {
    throw new NoteError('malformed checkpoint root hash');
  }
  if (rootBytes.length !== 32) throw new NoteError('malformed checkpoint root hash');
  return { origin, size: Number(size), root: rootBytes, extensions };
}

/** Our extension lines as a map (`time`, `chain`, `dataset`). */
export function extensionFields(checkpoint: Checkpoint): Record<string, string> {
  return Object.fromEntries(checkpoint.extensions.map((line) => {
    const space = line.indexOf(' ');
    return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
  }));
}
