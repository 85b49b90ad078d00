// The signed checkpoint of each publish and the append-only history of all of them, in the dataset folder:
// `checkpoint` (the latest signed note, where tlog-tiles clients look) and `checkpoints.ndjson` (one line
// per publish, oldest first, each with its whole signed note).
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCheckpoint, parseCheckpoint, parseNote, type Checkpoint } from './note';
import type { NoteSigner } from './signer';
import { toBase64 } from './sha256';

export const LOG_FILES = { checkpoint: 'checkpoint', history: 'checkpoints.ndjson' } as const;

export interface HistoryLine {
  tree_size: number;
  root_hash: string;
  time: string;
  note: string;
}

/** The log's origin (and the fund key's name on first use): ANCU_LOG_ORIGIN, a schema-less URL. */
export function logOrigin(): string {
  return process.env.ANCU_LOG_ORIGIN ?? 'an-cu.local/journal';
}

export interface PreviousLog {
  dir: string;
  checkpoint: Checkpoint;
  history: string;
}

/** The last publish's signed checkpoint and history, when `dir` holds a published dataset. */
export function readPreviousLog(dir: string | undefined): PreviousLog | undefined {
  if (!dir || !existsSync(join(dir, LOG_FILES.checkpoint))) return undefined;
  const checkpoint = parseCheckpoint(parseNote(readFileSync(join(dir, LOG_FILES.checkpoint), 'utf8')).text);
  const historyPath = join(dir, LOG_FILES.history);
  return { dir, checkpoint, history: existsSync(historyPath) ? readFileSync(historyPath, 'utf8') : '' };
}

/** Signs this publish's checkpoint and appends it to the history; returns the note. */
export async function writeSignedCheckpoint(root: string, signer: NoteSigner, checkpoint: Checkpoint, previous: PreviousLog | undefined): Promise<string> {
  const text = formatCheckpoint(checkpoint);
  const note = `${text}\n${signer.sign(text)}`;
  const time = checkpoint.extensions.find((line) => line.startsWith('time '))?.slice(5) ?? '';
  const line: HistoryLine = { tree_size: checkpoint.size, root_hash: toBase64(checkpoint.root), time, note };
  await writeFile(join(root, LOG_FILES.checkpoint), note);
  await writeFile(join(root, LOG_FILES.history), `${previous?.history ?? ''}${JSON.stringify(line)}\n`);
  return note;
}
