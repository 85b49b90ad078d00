// The shape of the open dataset: what `npm run publish` writes, what the static build reads and what
// anyone downloads. Field names are snake_case so the files read the same in any language.
import type { Stage } from '../domain/schemas';
import type { HeadlineTotals, PaidBySource } from '../ledger/headline';

export const DATASET_FORMAT = 'ancu-open-data/1';
/** Contributions per static ledger page (and per contributions/NNNN.json file). */
export const LEDGER_PAGE_SIZE = 250;
/** Journal entries per journal/NNNNNN.ndjson file, so no reader needs the whole journal at once. */
export const JOURNAL_CHUNK_ENTRIES = 10_000;
/** Where the built site serves the dataset for download. */
export const DATASET_URL_PATH = '/du-lieu/';

export const FILES = {
  checkpoint: 'checkpoint.json',
  campaign: 'campaign.json',
  summary: 'summary.json',
  areas: 'areas.json',
  houses: 'houses.json',
  housesCsv: 'houses.csv',
  contributionsCsv: 'contributions.csv',
  allocations: 'allocations.ndjson',
  disbursements: 'disbursements.ndjson',
  records: 'records.ndjson',
  giving360: '360giving.json',
  report: (period: string) => `reports/${period}.json`,
  house: (code: string) => `houses/${code}.json`,
  ledgerPage: (page: number) => `contributions/${String(page).padStart(4, '0')}.json`,
  journalChunk: (chunk: number) => `journal/${String(chunk).padStart(6, '0')}.ndjson`,
} as const;

/** Every name FILES gives a ledger page or a journal chunk: zero-padded to 4 and 6 digits, and wider past 9,999 pages or 999,999 chunks. */
export const NUMBERED_FILES = { ledgerPage: /^contributions\/(\d{4,})\.json$/, journalChunk: /^journal\/(\d{6,})\.ndjson$/ } as const;

/** A manifest's ledger page files in page order, by number: by name, page 10000 would come before page 1001. */
export function ledgerPagesIn(paths: readonly string[]): string[] {
  const numbered = paths.flatMap((path): [number, string][] => {
    const match = NUMBERED_FILES.ledgerPage.exec(path);
    return match ? [[Number(match[1]), path]] : [];
  });
  return numbered.sort(([a], [b]) => a - b).map(([, path]) => path);
}

export type ContributionKind = 'cash' | 'in_kind' | 'labour' | 'state_budget';
export type Channel = 'card' | 'bank_transfer' | 'office';

export interface InKindItem {
  name: string;
  quantity: number;
  unit: string;
  value_vnd: number;
}

export interface LabourDetails {
  organisation: string;
  people: number;
  days: number;
  person_days: number;
  day_rate_vnd: number;
}

/** One contribution as the public sees it: no email, phone, tax code, bank account or memo. */
export interface PublicContribution {
  id: number;
  receipt_code: string;
  received_at: string;
  donor: string;
  donor_kind: 'individual' | 'business' | 'organisation' | 'state';
  kind: ContributionKind;
  channel: Channel | null;
  amount_vnd: number;
  fee_vnd: number;
  target: 'house' | 'commune' | 'general';
  house_code: string | null;
  area_code: string | null;
  entry_id: number | null;
  entry_hash: string | null;
  reversed_by_entry_id: number | null;
  items: InKindItem[] | null;
  labour: LabourDetails | null;
}

export interface HouseFunding {
  state_budget_vnd: number;
  designated_vnd: number;
  pooled_vnd: number;
  in_kind_vnd: number;
  /** An estimate at the local day rate: never money, never part of the budget. */
  labour_estimate_vnd: number;
  labour_person_days: number;
}

export interface HouseStage {
  stage: Stage;
  on: string | null;
  /** The photos attached to this stage, oldest first. */
  photos: PublicPhoto[];
}

export interface PublicPhoto {
  /** Public path, served by the same server as the site. */
  src: string;
  width: number;
  height: number;
}

export interface PublicHouse {
  id: number;
  code: string;
  area_code: string;
  type: 'new_build' | 'repair';
  poverty_status: 'poor' | 'near_poor';
  /** The housing criterion the household fails (null when not recorded). */
  housing_need: 'quality' | 'area' | null;
  /** Initials of the head of household, or the full name when consent to publish it is recorded. */
  head: string;
  minutes_ref: string;
  budget_vnd: number;
  allocated_vnd: number;
  /** What the budget still lacks: budget less everything allocated to the house. */
  remaining_vnd: number;
  cash_allocated_vnd: number;
  /** Fund cash paid to the household (paid.cash_vnd, kept under its old name). */
  disbursed_vnd: number;
  /** "Đã chi": what reached the household, by source (fund cash, state budget paid by the commune or district, goods). */
  paid: PaidBySource;
  funding: HouseFunding;
  stage: Stage;
  stages: HouseStage[];
}

/** A gift's share in one house: designated to it, or pooled money assigned to it by lineage. */
export interface HouseFunder {
  receipt_code: string;
  contribution_id: number;
  /** The static ledger page that lists the gift. */
  ledger_page: number | null;
  donor: string;
  kind: ContributionKind;
  via: 'designated' | 'pool' | null;
  amount_vnd: number;
  received_at: string;
  items: InKindItem[] | null;
  labour: LabourDetails | null;
}

export interface PublicAllocation {
  id: number;
  entry_id: number;
  occurred_at: string;
  house_code: string;
  pool: 'general' | 'commune';
  pool_area_code: string | null;
  amount_vnd: number;
  decision_ref: string;
  reversed_by_entry_id: number | null;
}

export interface PublicDisbursement {
  id: number;
  entry_id: number;
  paid_at: string;
  house_code: string;
  amount_vnd: number;
  purpose: string;
  reversed_by_entry_id: number | null;
}

/** The columns of contributions.csv: a ledger page's fields, flat. */
export const CONTRIBUTION_CSV_HEADER = ['id', 'receipt_code', 'received_at', 'donor', 'donor_kind', 'kind', 'channel', 'amount_vnd', 'fee_vnd', 'target', 'house_code', 'area_code', 'entry_id', 'entry_hash', 'reversed_by_entry_id'] as const;

/** State budget support the commune or district paid to the household, by its payment document. */
export interface PublicStatePayment {
  id: number;
  entry_id: number;
  paid_on: string;
  house_code: string;
  amount_vnd: number;
  document_ref: string;
  reversed_by_entry_id: number | null;
}

export interface HouseDetail {
  code: string;
  funders: HouseFunder[];
  allocations: PublicAllocation[];
  disbursements: PublicDisbursement[];
  state_payments: PublicStatePayment[];
}

export type StageCounts = Record<Stage, number> & { total: number };

export interface PublicArea {
  id: number;
  code: string;
  name: string;
  level: 'province' | 'district' | 'commune';
  parent_code: string | null;
  new_commune_name: string | null;
  new_province_name: string | null;
  houses: StageCounts;
  budget_vnd: number;
  allocated_vnd: number;
  /** What its houses' budgets still lack. */
  remaining_vnd: number;
  disbursed_vnd: number;
  /** What reached its households, by source (sums of the houses' paid). */
  paid: PaidBySource;
  /** What its houses received, by source (sums of the houses' funding). */
  funding: HouseFunding;
  /** Cash gifts (not reversed) given to this area or to one of its houses. */
  received_vnd: number;
  received_count: number;
  /** What the pools of its communes still hold, not yet allocated to a house. */
  pool_vnd: number;
}

export interface PublicCampaign {
  code: string;
  name: string;
  is_demo: boolean;
  target_houses: number;
  baseline: Record<string, number | string>;
  support_levels: Record<string, Record<string, number>>;
  labour_day_rate_vnd: number;
  starts_on: string;
  ends_on: string;
}

/** Headline money figures, all derived from the journal's account balances (see totals.ts). */
/** The headline figures, as src/ledger/headline.ts computes them from the account balances. */
export type DatasetTotals = HeadlineTotals;

export interface DatasetFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Checkpoint {
  format: typeof DATASET_FORMAT;
  campaign_code: string;
  generated_at: string;
  entry_count: number;
  head_hash: string;
  journal_chunks: string[];
  account_balances: Record<string, number>;
  totals: DatasetTotals;
  /** The transparency log over the journal (C2SP tlog-tiles under tile/, signed note in `checkpoint`). */
  log: { origin: string; verifier_key: string; tree_size: number; root_hash: string };
  /** Every other file of the dataset with its size and SHA-256, so a download can be checked whole. */
  files: DatasetFile[];
}

export interface Summary {
  generated_at: string;
  totals: DatasetTotals & {
    cash_contributions: number;
    labour_person_days: number;
  };
  houses_by_stage: StageCounts;
  /** Houses whose budget is not yet fully allocated, and what they lack in all. */
  short_of_money: { houses: number; remaining_vnd: number };
  monthly: { month: string; count: number; amount_vnd: number }[];
  districts: { code: string; name: string; houses: StageCounts }[];
  newest: PublicContribution[];
  /** The static ledger pages, with the receipt dates each one spans. */
  ledger: {
    contributions: number; pages: number; page_size: number; index: { page: number; from: string; to: string }[];
    /** Rows of the ledger by kind: the home page's gift count is the cash ones only. */
    by_kind: Record<ContributionKind, number>;
    /** Rows later reversed (refunds, disputes, corrections): listed in the ledger, left out of every total. */
    reversed: { count: number; amount_vnd: number };
  };
  entry_count: number;
  head_hash: string;
  /** The six-monthly reports published with the dataset (reports/<id>.json), oldest first. */
  reports: ReportPeriod[];
}

/** One half-year of the campaign: 1 January–30 June or 1 July–31 December (cut to the campaign's dates). */
export interface ReportPeriod {
  id: string;
  from: string;
  to: string;
}
