import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkSignature, formatCheckpoint, parseCheckpoint, parseNote, parseVerifierKey, verifyNote, ALG_COSIGNATURE_V1, NoteError,
} from '../../../src/publish/tlog/note';
import { cosigner, fundSigner, generatePrivateKey, signerFromPrivateKey } from '../../../src/publish/tlog/signer';
import { cosignedMessage } from '../../../src/publish/tlog/note';
import { toBase64 } from '../../../src/publish/tlog/sha256';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  C2SP_CHECKPOINT, C2SP_COSIGNED_MESSAGE, ENOCH_SIG, ENOCH_VKEY, NOTE_TEXT, PETER_SIG, PETER_SKEY, PETER_VKEY,
} from './vectors';

describe('signed notes (golang.org/x/mod/sumdb/note vectors)', () => {
  it('parses the published verifier keys and refuses mangled ones', () => {
    const peter = parseVerifierKey(PETER_VKEY);
    expect([peter.name, peter.keyHash.toString(16), peter.alg]).toEqual(['PeterNeumann', 'c74f20a3', 1]);
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(NoteError);
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const mangled = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(() => parseVerifierKey(mangled), mangled).toThrow();
    }
  });

  it('signs byte for byte as Go does and verifies the published note', async () => {
    const signer = signerFromPrivateKey(PETER_SKEY);
    expect(signer.verifierKey).toBe(PETER_VKEY);
    expect(`${NOTE_TEXT}\n${signer.sign(NOTE_TEXT)}`).toBe(`${NOTE_TEXT}\n${PETER_SIG}`);
    const note = parseNote(`${NOTE_TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    expect(note.text).toBe(NOTE_TEXT);
    expect(await verifyNote(note, parseVerifierKey(PETER_VKEY))).toEqual({ verified: ['PeterNeumann'], failure: null });
    expect((await verifyNote(note, parseVerifierKey(PETER_VKEY), [parseVerifierKey(ENOCH_VKEY)], 1)).failure).toBeNull();
    // Enoch's key alone does not stand for the log's key.
    expect((await verifyNote(parseNote(`${NOTE_TEXT}\n${ENOCH_SIG}`), parseVerifierKey(PETER_VKEY))).failure).toMatch(/not signed by the log key/);
  });

  it('refuses the malformed notes Go refuses', () => {
    for (const bad of [
      NOTE_TEXT, `${NOTE_TEXT}\n`, `${NOTE_TEXT}\n${PETER_SIG.slice(0, -1)}`, `\u0001${NOTE_TEXT}\n${PETER_SIG}`,
      `${NOTE_TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${NOTE_TEXT}\n${PETER_SIG}Unexpected line.\n`, `${NOTE_TEXT}\n${PETER_SIG.repeat(101)}`,
    ]) expect(() => parseNote(bad), JSON.stringify(bad)).toThrow(NoteError);
  });

  it('fails on any single-bit change to the signed text or the signature', async () => {
    const key = parseVerifierKey(PETER_VKEY);
    const message = `${NOTE_TEXT}\n${PETER_SIG}`;
    await fc.assert(fc.asyncProperty(fc.nat(message.length - 1), fc.nat(6), async (at, bit) => {
      const code = message.charCodeAt(at) ^ (1 << bit);
      const changed = message.slice(0, at) + String.fromCharCode(code) + message.slice(at + 1);
      let verdict: string | null;
      try {
        verdict = (await verifyNote(parseNote(changed), key)).failure;
      } catch {
        verdict = 'malformed';
      }
      expect(verdict).not.toBeNull();
    }), { numRuns: 150 });
  });
});

describe('checkpoints and cosignatures (C2SP examples)', () => {
  it('parses the tlog-checkpoint example with its log signature and witness cosignature', () => {
    const note = parseNote(C2SP_CHECKPOINT);
    const checkpoint = parseCheckpoint(note.text);
    expect(checkpoint.origin).toBe('example.com/behind-the-sofa');
    expect(checkpoint.size).toBe(20852163);
    expect(toBase64(checkpoint.root)).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(note.signatures.map((s) => [s.name, s.signature.length])).toEqual([['example.com/behind-the-sofa', 64], ['witness.example.com/w1', 72]]);
    // The cosignature carries the timestamp of the spec's signed-message example.
    const cosig = note.signatures[1]!.signature;
    const timestamp = new DataView(cosig.buffer, cosig.byteOffset).getUint32(4);
    expect(new TextDecoder().decode(cosignedMessage(note.text, timestamp))).toBe(C2SP_COSIGNED_MESSAGE);
  });

  it('refuses malformed checkpoints', () => {
    for (const bad of ['a\n1\n', 'a\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 'a\n1\nQUJD\n', 'a\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n', 'a\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=']) {
      expect(() => parseCheckpoint(bad), bad).toThrow(NoteError);
    }
  });

  it('a note we write parses with the spec rules and verifies with the fund key and a witness cosignature', async () => {
    const fund = signerFromPrivateKey(generatePrivateKey('an-cu.example/journal'));
    const witness = cosigner('witness.an-cu.example', new Uint8Array(32).fill(7));
    const text = formatCheckpoint({ origin: fund.name, size: 42, root: new Uint8Array(32).fill(9), extensions: ['time 2026-12-04T00:00:00.000Z'] });
    const note = parseNote(`${text}\n${fund.sign(text)}${witness.cosign(text, 1_790_000_000)}`);
    const logKey = parseVerifierKey(fund.verifierKey);
    const witnessKey = parseVerifierKey(witness.verifierKey);
    expect(witnessKey.alg).toBe(ALG_COSIGNATURE_V1);
    expect(parseCheckpoint(note.text)).toMatchObject({ origin: fund.name, size: 42, extensions: ['time 2026-12-04T00:00:00.000Z'] });
    expect(await verifyNote(note, logKey, [witnessKey], 1)).toEqual({ verified: [fund.name, 'witness.an-cu.example'], failure: null });
    expect((await checkSignature(note, note.signatures[1]!, witnessKey)).timestamp).toBe(1_790_000_000);
    // Without the cosignature the threshold is not met; a cosignature over another text fails outright.
    expect((await verifyNote(parseNote(`${text}\n${fund.sign(text)}`), logKey, [witnessKey], 1)).failure).toMatch(/0 of the required 1/);
    const other = text.replace('42', '43');
    expect((await verifyNote(parseNote(`${text}\n${fund.sign(text)}${witness.cosign(other, 1)}`), logKey, [witnessKey], 1)).failure).toMatch(/does not verify/);
  });

  it('creates the fund key once, owner-only, and reuses it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ancu-key-')), 'nested', 'key');
    const first = fundSigner('an-cu.example/journal', path);
    const again = fundSigner('another-name', path);
    expect(again.verifierKey).toBe(first.verifierKey);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toMatch(/^PRIVATE\+KEY\+an-cu\.example\/journal\+[0-9a-f]{8}\+/);
  });
});
