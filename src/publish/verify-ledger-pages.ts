// The ledger pages and contributions.csv, checked while the journal is checked on the other core: every row
// against its committed record, the CSV against the pages, the tallies; what each row says of the journal
// (its entry, that entry's hash, its reversal) is kept compactly and compared once the journal is known.
import { CONTRIBUTION_CSV_HEADER, type PublicContribution } from './format';
import { csvRow } from './csv';
import { ContributionTally } from './derived';
import { contributionFault, csvRows, type PublishedRecord } from './records';
import { HEX64 } from './shape';
import { parseUtf8Json } from './utf8-json';
import { ByteCursor, Fault, isHashFault, utf8Text, type DatasetFiles } from './verify-files';
import type { GiftEntries, JournalFields } from './verify-journal';

const CSV_FILE = 'contributions.csv';

// Whether a row's journal fields fit the typed arrays: whole numbers or null, a lowercase hex hash or null.
const fitsCompactly = (row: JournalFields) => Number.isSafeInteger(row.id)
  && (row.entry_id === null || Number.isSafeInteger(row.entry_id))
  && (row.reversed_by_entry_id === null || Number.isSafeInteger(row.reversed_by_entry_id))
  && (row.entry_hash === null || (typeof row.entry_hash === 'string' && HEX64.test(row.entry_hash)));

/** The journal fields of each row shown: numbers (NaN for null) and hash bytes in typed arrays, an odd row kept whole. */
class ShownEntries {
  count = 0;
  private ids = new Float64Array(4096);
  private entries = new Float64Array(4096);
  private reversals = new Float64Array(4096);
  private hashKnown = new Uint8Array(4096);
  private hashes = Buffer.alloc(32 * 4096);
  private readonly odd = new Map<number, JournalFields>();

  add(row: PublicContribution): void {
    if (this.count === this.ids.length) this.grow();
    const i = this.count++;
    if (!fitsCompactly(row)) {
      this.odd.set(i, { id: row.id, entry_id: row.entry_id, entry_hash: row.entry_hash, reversed_by_entry_id: row.reversed_by_entry_id });
      return;
    }
    this.ids[i] = row.id;
    this.entries[i] = row.entry_id ?? NaN;
    this.reversals[i] = row.reversed_by_entry_id ?? NaN;
    this.hashKnown[i] = row.entry_hash === null ? 0 : 1;
    if (row.entry_hash !== null) this.hashes.write(row.entry_hash, i * 32, 'hex');
  }

  // Doubles every array, keeping what is there.
  private grow(): void {
    const wider = <T extends Float64Array | Uint8Array>(a: T): T => {
      const out = new (a.constructor as new (length: number) => T)(a.length * 2);
      out.set(a);
      return out;
    };
    this.ids = wider(this.ids);
    this.entries = wider(this.entries);
    this.reversals = wider(this.reversals);
    this.hashKnown = wider(this.hashKnown);
    this.hashes = Buffer.concat([this.hashes, Buffer.alloc(this.hashes.length)]);
  }

  /** The first row (below `limit`) that differs from what the journal says, if any. */
  firstDifference(gifts: GiftEntries, limit: number): number | undefined {
    for (let i = 0; i < Math.min(limit, this.count); i++) {
      const odd = this.odd.get(i);
      const hash = this.hashKnown[i] ? this.hashes.subarray(i * 32, i * 32 + 32) : null;
      if (odd ? gifts.difference(odd) !== undefined : !gifts.shows(this.ids[i]!, this.entries[i]!, hash, this.reversals[i]!)) return i;
    }
    return undefined;
  }
}

/** A fault found in the pages or the CSV, placed by row so it can be ordered with the journal's differences. */
interface PagesFault {
  /** The row it is about (-1: before any row, e.g. the header or a file's SHA-256; the row count: after them all). */
  row: number;
  /** A row's own fault comes before its journal difference; a CSV row's after it. */
  beforeJournal: boolean;
  contributionId: number | null;
  /** The entry of the row's latest committed record, when it has one (else the journal names it). */
  recordEntry: number | null;
  file: string;
  reason: string;
}

/** What the pages pass leaves: the tallies, the rows' journal fields, and its first fault. */
export interface LedgerPages {
  tally: ContributionTally;
  shownCount: number;
  shown: ShownEntries;
  /** Where each page's rows start, in the order of `pages`. */
  pageStarts: number[];
  fault?: PagesFault;
}

/** The ledger pages in order and contributions.csv, against the latest committed record of each contribution. */
export async function checkLedgerPages(files: DatasetFiles, pages: readonly string[], latest: Map<number, PublishedRecord>): Promise<LedgerPages> {
  const result: LedgerPages = { tally: new ContributionTally(), shownCount: 0, shown: new ShownEntries(), pageStarts: [] };
  let at: Omit<PagesFault, 'file' | 'reason'> = { row: -1, beforeJournal: true, contributionId: null, recordEntry: null };
  const place = (row: number, beforeJournal: boolean, shown?: PublicContribution) => {
    at = { row, beforeJournal, contributionId: shown?.id ?? null, recordEntry: shown ? latest.get(shown.id)?.entry_id ?? null : null };
  };
  try {
    await files.check(CSV_FILE, async (bytes) => {
      const csv = new ByteCursor(bytes[Symbol.asyncIterator]());
      // The CSV row at the cursor, for a fault (up to a generous length: a row is a few hundred bytes).
      const foundRow = async () => csvRows(utf8Text(await csv.peek(1 << 16))).next().value as string | undefined;
      if (!(await csv.take(Buffer.from(csvRow(CONTRIBUTION_CSV_HEADER))))) throw new Fault(null, CSV_FILE, 'the header row is not the dataset\'s');
      for await (const { path: page, bytes: pageBytes } of files.inOrder(pages)) {
        place(result.shown.count, true);
        const rows = parseUtf8Json(pageBytes) as PublicContribution[];
        result.pageStarts.push(result.shown.count);
        const csvOf = rows.map((row) => csvRow(CONTRIBUTION_CSV_HEADER.map((key) => row[key])));
        for (const row of rows) {
          place(result.shown.count, true, row);
          const fault = contributionFault(row, latest.get(row.id));
          if (fault) throw new Fault(null, page, `contribution ${row.receipt_code} ${fault}`);
          result.shown.add(row);
          result.tally.add(row);
        }
        // A page's rows compared as bytes in one piece; only a difference is looked for row by row.
        if (!(await csv.take(Buffer.from(csvOf.join(''))))) {
          const start = result.pageStarts.at(-1)!;
          for (const [i, row] of rows.entries()) {
            if (await csv.take(Buffer.from(csvOf[i]!))) continue;
            place(start + i, false, row);
            throw new Fault(null, CSV_FILE, `the row of contribution ${row.receipt_code} differs from its committed record and the journal (found ${JSON.stringify((await foundRow()) ?? null)})`);
          }
        }
        for (const row of rows) if (latest.delete(row.id)) result.shownCount++;
      }
      place(result.shown.count, false);
      const extra = await foundRow();
      if (extra !== undefined) throw new Fault(null, CSV_FILE, `a row no ledger page lists: ${JSON.stringify(extra)}`);
    });
  } catch (error) {
    if (!(error instanceof Fault)) throw error;
    // A file whose bytes are not the listed ones is named before anything read from it.
    if (isHashFault(error)) place(-1, true);
    result.fault = { ...at, file: error.file, reason: error.message };
  }
  return result;
}

/** The pages pass's first fault or the first row the journal contradicts, whichever a row-by-row check meets first. */
export async function ledgerPagesFault(files: DatasetFiles, pages: readonly string[], result: LedgerPages, gifts: GiftEntries, recordEntryOf: (contributionId: number) => number | undefined): Promise<Fault | undefined> {
  const fault = result.fault;
  const limit = fault ? fault.row + (fault.beforeJournal ? 0 : 1) : result.shown.count;
  const row = result.shown.firstDifference(gifts, limit);
  if (row === undefined) {
    return fault && new Fault(fault.recordEntry ?? (fault.contributionId === null ? null : gifts.entryOf(fault.contributionId) ?? null), fault.file, fault.reason);
  }
  // Worded from the page itself, read again: only a failing check pays for it.
  const page = result.pageStarts.findLastIndex((start) => start <= row);
  const shown = (JSON.parse(await files.text(pages[page]!)) as PublicContribution[])[row - result.pageStarts[page]!]!;
  return new Fault(recordEntryOf(shown.id) ?? gifts.entryOf(shown.id) ?? null, pages[page]!, `contribution ${shown.receipt_code} ${gifts.difference(shown)}`);
}
