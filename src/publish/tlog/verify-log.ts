// Checking the published transparency log from its static files alone: the signed checkpoint, an entry's
// inclusion, the consistency of any earlier checkpoint, and the whole checkpoint history. No Node or DOM
// imports: the browser islands and the standalone verify.mjs run this same code over their own `read`.
import { consistencyProof, hashLeaf, inclusionProof, rootHash, verifyConsistency, verifyInclusion, type Hash } from './merkle';
import { parseCheckpoint, parseNote, parseVerifierKey, verifyNote, type Checkpoint, type VerifierKey } from './note';
import { recordTiles, tileNodeSource } from './tiles';
import { fromBase64, fromHex, toBase64 } from './sha256';

/** Reads one file of the published dataset (relative path) as bytes; throws when it is missing. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

export interface TrustPolicy {
  /** The fund's verifier key; when absent the key the dataset names is used (and said so). */
  logKey: VerifierKey;
  witnesses: VerifierKey[];
  threshold: number;
}

export class LogFault extends Error {}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Parses and checks a signed checkpoint note against the trust policy. */
export async function openCheckpoint(noteText: string, policy: TrustPolicy): Promise<Checkpoint> {
  let checkpoint: Checkpoint;
  try {
    const note = parseNote(noteText);
    const verdict = await verifyNote(note, policy.logKey, policy.witnesses, policy.threshold);
    if (verdict.failure) throw new LogFault(`checkpoint signature: ${verdict.failure}`);
    checkpoint = parseCheckpoint(note.text);
  } catch (error) {
    throw error instanceof LogFault ? error : new LogFault(`checkpoint: ${(error as Error).message}`);
  }
  if (checkpoint.origin !== policy.logKey.name) throw new LogFault(`checkpoint origin ${checkpoint.origin} is not the log ${policy.logKey.name}`);
  return checkpoint;
}

/** The tiles a computation needs, fetched once (a proof needs at most a few per level). */
async function tilesFor(read: ReadFile, size: number, use: (node: ReturnType<typeof recordTiles>['node']) => void): Promise<Map<string, Uint8Array>> {
  const recorder = recordTiles(size);
  use(recorder.node);
  const tiles = new Map<string, Uint8Array>();
  await Promise.all(recorder.paths().map(async (path) => tiles.set(path, await read(path))));
  return tiles;
}

/** The inclusion proof of leaf `index` in the checkpoint's tree, computed from the static tiles. */
export async function fetchInclusionProof(read: ReadFile, checkpoint: Checkpoint, index: number): Promise<Hash[]> {
  if (!(index >= 0 && index < checkpoint.size)) throw new LogFault(`entry #${index + 1} is not in the signed log of ${checkpoint.size} entries (not yet published?)`);
  const tiles = await tilesFor(read, checkpoint.size, (node) => { inclusionProof(node, index, checkpoint.size); rootHash(node, checkpoint.size); });
  const node = tileNodeSource(tiles, checkpoint.size);
  if (toBase64(rootHash(node, checkpoint.size)) !== toBase64(checkpoint.root)) throw new LogFault('the tiles do not give the signed root hash');
  return inclusionProof(node, index, checkpoint.size);
}

/** Whether `entry` (its canonical bytes) is leaf `index` of the signed tree; the proof travels with the answer. */
export async function checkInclusion(read: ReadFile, checkpoint: Checkpoint, index: number, entry: Uint8Array): Promise<{ ok: boolean; proof: Hash[] }> {
  const proof = await fetchInclusionProof(read, checkpoint, index);
  return { ok: verifyInclusion(index, checkpoint.size, hashLeaf(entry), proof, checkpoint.root), proof };
}

/** Proves an earlier (size, root) is a prefix of the checkpoint's tree, from the static tiles. */
export async function checkConsistency(read: ReadFile, earlier: { size: number; root: Hash }, latest: Checkpoint): Promise<{ ok: boolean; proof: Hash[] }> {
  if (earlier.size > latest.size) return { ok: false, proof: [] };
  const tiles = await tilesFor(read, latest.size, (node) => { consistencyProof(node, earlier.size, latest.size); });
  const proof = consistencyProof(tileNodeSource(tiles, latest.size), earlier.size, latest.size);
  return { ok: verifyConsistency(earlier.size, latest.size, proof, earlier.root, latest.root), proof };
}

/**
 * A checkpoint someone kept: a signed note (checked against the policy), `<size> <base64 or hex root>`, or
 * a bare root hash (its size found in the published history).
 */
export async function parseSaved(saved: string, policy: TrustPolicy, history: Checkpoint[]): Promise<{ size: number; root: Hash }> {
  const trimmed = saved.trim();
  if (trimmed.includes('\n')) return openCheckpoint(`${trimmed}\n`, policy);
  const parts = trimmed.split(/\s+/);
  const rootText = parts.at(-1)!;
  let root: Hash;
  try {
    root = /^[0-9a-f]{64}$/i.test(rootText) ? fromHex(rootText.toLowerCase()) : fromBase64(rootText);
  } catch {
    throw new LogFault('the saved checkpoint is neither a signed note nor a root hash (base64 or hex)');
  }
  if (root.length !== 32) throw new LogFault('a root hash has 32 bytes');
  if (parts.length === 2 && /^\d+$/.test(parts[0]!)) return { size: Number(parts[0]), root };
  const known = history.find((c) => toBase64(c.root) === toBase64(root));
  if (!known) throw new LogFault(`no checkpoint in the published history has the root ${toBase64(root)}`);
  return { size: known.size, root };
}

/** Every line of the history: signed by the log, sizes never shrinking, each consistent with the latest. */
export async function verifyHistory(read: ReadFile, historyText: string, latest: Checkpoint, policy: TrustPolicy): Promise<Checkpoint[]> {
  const checkpoints: Checkpoint[] = [];
  const lines = historyText.split('\n').filter((line) => line.trim());
  for (const [i, line] of lines.entries()) {
    let note: string;
    try {
      note = (JSON.parse(line) as { note: string }).note;
    } catch {
      throw new LogFault(`checkpoints.ndjson line ${i + 1} is not JSON`);
    }
    const checkpoint = await openCheckpoint(note, { ...policy, threshold: 0 }).catch((error: Error) => {
      throw new LogFault(`checkpoints.ndjson line ${i + 1}: ${error.message}`);
    });
    const before = checkpoints.at(-1);
    if (before && checkpoint.size < before.size) throw new LogFault(`checkpoints.ndjson line ${i + 1}: the log shrank from ${before.size} to ${checkpoint.size} entries`);
    if (!(await checkConsistency(read, checkpoint, latest)).ok) {
      throw new LogFault(`checkpoints.ndjson line ${i + 1}: the checkpoint of ${checkpoint.size} entries (root ${toBase64(checkpoint.root)}) is not a prefix of today's log — entries were rewritten`);
    }
    checkpoints.push(checkpoint);
  }
  const last = checkpoints.at(-1);
  if (!last || last.size !== latest.size || toBase64(last.root) !== toBase64(latest.root)) throw new LogFault('the latest checkpoint is not the last line of checkpoints.ndjson');
  return checkpoints;
}

/** The trust policy from key strings: the fund's key and any witnesses. */
export function trustPolicy(logKey: string, witnesses: string[] = [], threshold = 0): TrustPolicy {
  return { logKey: parseVerifierKey(logKey), witnesses: witnesses.map(parseVerifierKey), threshold };
}

export const readText = async (read: ReadFile, path: string) => text(await read(path));
