// A forger holding the fund's signing key, for the tamper tests of the dataset verifier.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../../src/publish/format';
import { formatCheckpoint, parseCheckpoint, parseNote } from '../../src/publish/tlog/note';
import type { NoteSigner } from '../../src/publish/tlog/signer';

// What a forger with the fund's key does: after editing files, rewrites their listed SHA-256 in
// checkpoint.json, and signs a new checkpoint naming the new checkpoint.json.
export function forgeWithKey(dir: string, signer: NoteSigner, edited: string[]): void {
  const checkpointPath = join(dir, FILES.checkpoint);
  const checkpoint = JSON.parse(readFileSync(checkpointPath, 'utf8')) as { files: { path: string; bytes: number; sha256: string }[] };
  for (const file of checkpoint.files.filter((f) => edited.includes(f.path))) {
    const bytes = readFileSync(join(dir, file.path));
    Object.assign(file, { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  const json = JSON.stringify(checkpoint);
  writeFileSync(checkpointPath, json);
  const signed = parseCheckpoint(parseNote(readFileSync(join(dir, 'checkpoint'), 'utf8')).text);
  signed.extensions = signed.extensions.map((line) => (line.startsWith('dataset ') ? `dataset ${createHash('sha256').update(json).digest('hex')}` : line));
  const body = formatCheckpoint(signed);
  const note = `${body}\n${signer.sign(body)}`;
  writeFileSync(join(dir, 'checkpoint'), note);
  const history = readFileSync(join(dir, 'checkpoints.ndjson'), 'utf8').trim().split('\n');
  history[history.length - 1] = JSON.stringify({ ...JSON.parse(history.at(-1)!), note });
  writeFileSync(join(dir, 'checkpoints.ndjson'), `${history.join('\n')}\n`);
}
