// Numbered dataset files (ledger pages, journal chunks, cash-book pages) past the width their names are
// zero-padded to: the names stay as published, and readers take them in number order, not name order.
import { describe, expect, it } from 'vitest';
import { FILES, ledgerPagesIn, NUMBERED_FILES, type DatasetFile } from '../../src/publish/format';
import { CASH_BOOK_FILES } from '../../src/publish/cash-book';
import { manifestOrder } from '../../src/publish/files';

const PAGES = 10_001;
const file = (path: string): DatasetFile => ({ path, bytes: 0, sha256: '0'.repeat(64) });
// The checkpoint's file list of a ledger of PAGES pages, as the publisher orders it.
const manifest = manifestOrder([
  FILES.checkpoint, FILES.contributionsCsv, FILES.summary, FILES.journalChunk(1), FILES.house('BK-00001'),
  ...Array.from({ length: PAGES }, (_, i) => FILES.ledgerPage(i + 1)),
].map(file)).map((f) => f.path);

describe('numbered files past 9,999', () => {
  it('keeps the published names: four digits up to page 9999, five from page 10000', () => {
    expect([FILES.ledgerPage(7), FILES.ledgerPage(9_999), FILES.ledgerPage(10_000)]).toEqual(['contributions/0007.json', 'contributions/9999.json', 'contributions/10000.json']);
    expect(CASH_BOOK_FILES.page('cash_bank', '2025-01', 10_000)).toBe('cash-book/cash_bank/2025-01/10000.json');
    expect(FILES.journalChunk(1_000_000)).toBe('journal/1000000.ndjson');
  });

  it('lists the ledger pages of a manifest in page order, though by name page 10000 sorts before page 1001', () => {
    expect(manifest.indexOf(FILES.ledgerPage(10_000))).toBeLessThan(manifest.indexOf(FILES.ledgerPage(1_001)));
    expect(ledgerPagesIn(manifest)).toEqual(Array.from({ length: PAGES }, (_, i) => FILES.ledgerPage(i + 1)));
  });

  it('recognises every name the publisher gives a ledger page or a journal chunk, and nothing else', () => {
    for (const page of [1, 9_999, 10_000, 123_456]) expect(FILES.ledgerPage(page)).toMatch(NUMBERED_FILES.ledgerPage);
    for (const chunk of [1, 999_999, 1_000_000]) expect(FILES.journalChunk(chunk)).toMatch(NUMBERED_FILES.journalChunk);
    for (const other of [FILES.contributionsCsv, 'contributions/12.json', 'journal/12345.ndjson', FILES.house('BK-00001')]) {
      expect(other).not.toMatch(NUMBERED_FILES.ledgerPage);
      expect(other).not.toMatch(NUMBERED_FILES.journalChunk);
    }
  });
});
