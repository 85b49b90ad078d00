// The database shape. Money columns are whole đồng in bigint; counters on houses and pool lots
// are caches of the journal kept so that CHECK constraints can refuse an overdraft under any race.
import { sql } from 'drizzle-orm';
import { ACCOUNTS, CASH_ACCOUNT_CODES, POOL_KEY_PATTERN } from '../src/ledger/accounts';
import { ENTRY_KINDS } from '../src/ledger/entry';
import { RECORD_KINDS } from '../src/ledger/public-record';
import { labourUnits } from '../src/domain/schemas';
import {
  pgTable, type AnyPgColumn, serial, integer, bigint, text, boolean, jsonb, timestamp, date, primaryKey, index, uniqueIndex, check,
} from 'drizzle-orm/pg-core';

const vnd = (name: string) => bigint(name, { mode: 'number' });

// Closed lists of statuses: the column type and its CHECK are generated from the same list.
export const disbursementStatuses = ['pending', 'approved', 'rejected'] as const;
export const paymentMethods = ['cash', 'transfer'] as const;
export const receiptKinds = ['photo', 'pdf'] as const;
export const pledgeStatuses = ['pending', 'confirmed', 'failed', 'refunded', 'disputed', 'review'] as const;
export const bankRowStatuses = ['matched', 'review'] as const;
export const reviewSources = ['stripe', 'bank'] as const;

// A CHECK that a text column holds one of a closed list, generated from the list the code uses.
const oneOf = (column: AnyPgColumn, values: readonly string[]) => sql`${column} IN (${sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', '))})`;

export const campaigns = pgTable('campaigns', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  targetHouses: integer('target_houses').notNull(),
  baseline: jsonb('baseline').notNull(),
  supportLevels: jsonb('support_levels').notNull(),
  labourDayRateVnd: vnd('labour_day_rate_vnd').notNull(),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  isDemo: boolean('is_demo').notNull().default(false),
});

export const areas = pgTable('areas', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  level: text('level', { enum: ['province', 'district', 'commune'] }).notNull(),
  parentId: integer('parent_id'),
  newCommuneName: text('new_commune_name'),
  newProvinceName: text('new_province_name'),
  labourDayRateVnd: vnd('labour_day_rate_vnd'),
  /** Houses a district means to build or repair in the campaign (set by an administrator; the report shows it beside houses done). */
  targetHouses: integer('target_houses'),
}, (t) => [
  index('areas_parent_idx').on(t.parentId),
  check('areas_target_houses_positive', sql`${t.targetHouses} IS NULL OR ${t.targetHouses} > 0`),
]);

export const households = pgTable('households', {
  id: serial('id').primaryKey(),
  areaId: integer('area_id').notNull().references(() => areas.id),
  headFullName: text('head_full_name').notNull(),
  headInitials: text('head_initials').notNull(),
  publishFullName: boolean('publish_full_name').notNull().default(false),
  nationalId: text('national_id'),
  phone: text('phone'),
  address: text('address'),
  povertyStatus: text('poverty_status', { enum: ['poor', 'near_poor'] }).notNull(),
  /** Which housing criterion the household fails (the resolution counts both): quality or area. */
  housingNeed: text('housing_need', { enum: ['quality', 'area'] }),
  members: integer('members').notNull(),
});

export const houses = pgTable('houses', {
  id: serial('id').primaryKey(),
  publicCode: text('public_code').notNull().unique(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  areaId: integer('area_id').notNull().references(() => areas.id),
  type: text('type', { enum: ['new_build', 'repair'] }).notNull(),
  budgetVnd: vnd('budget_vnd').notNull(),
  minutesRef: text('minutes_ref').notNull(),
  approvedOn: date('approved_on').notNull(),
  fundedOn: date('funded_on'),
  constructionOn: date('construction_on'),
  completedOn: date('completed_on'),
  handedOverOn: date('handed_over_on'),
  /** Why a house was marked funded before the ledger shows its whole budget (money outside the ledger…). */
  fundedReason: text('funded_reason'),
  allocatedVnd: vnd('allocated_vnd').notNull().default(0),
  cashAllocatedVnd: vnd('cash_allocated_vnd').notNull().default(0),
  disbursedVnd: vnd('disbursed_vnd').notNull().default(0),
  /** State budget support recorded for the house, and the part the commune or district has paid the household. */
  stateAllocatedVnd: vnd('state_allocated_vnd').notNull().default(0),
  statePaidVnd: vnd('state_paid_vnd').notNull().default(0),
}, (t) => [
  index('houses_area_idx').on(t.areaId),
  check('houses_budget_positive', sql`${t.budgetVnd} > 0`),
  check('houses_allocated_within_budget', sql`${t.allocatedVnd} >= 0 AND ${t.allocatedVnd} <= ${t.budgetVnd}`),
  check('houses_cash_within_allocated', sql`${t.cashAllocatedVnd} >= 0 AND ${t.cashAllocatedVnd} <= ${t.allocatedVnd}`),
  check('houses_disbursed_within_cash', sql`${t.disbursedVnd} >= 0 AND ${t.disbursedVnd} <= ${t.cashAllocatedVnd}`),
  check('houses_state_within_allocated', sql`${t.stateAllocatedVnd} >= 0 AND ${t.stateAllocatedVnd} <= ${t.allocatedVnd}`),
  check('houses_state_paid_within_state', sql`${t.statePaidVnd} >= 0 AND ${t.statePaidVnd} <= ${t.stateAllocatedVnd}`),
]);

export const donors = pgTable('donors', {
  id: serial('id').primaryKey(),
  kind: text('kind', { enum: ['individual', 'business', 'organisation', 'state'] }).notNull(),
  displayName: text('display_name'),
  anonymous: boolean('anonymous').notNull().default(false),
  email: text('email'),
  phone: text('phone'),
  taxCode: text('tax_code'),
  /** Set when staff merged this donor into another (the same person or company); cleared to undo. */
  mergedIntoId: integer('merged_into_id'),
}, (t) => [
  // A returning donor is found by a private identifier, never by the public name.
  index('donors_tax_code_idx').on(t.taxCode),
  index('donors_phone_idx').on(t.phone),
  index('donors_email_idx').on(sql`lower(${t.email})`),
  index('donors_merged_into_idx').on(t.mergedIntoId),
  check('donors_not_merged_into_itself', sql`${t.mergedIntoId} IS NULL OR ${t.mergedIntoId} <> ${t.id}`),
]);

export const contributions = pgTable('contributions', {
  id: serial('id').primaryKey(),
  receiptCode: text('receipt_code').notNull().unique(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  donorId: integer('donor_id').notNull().references(() => donors.id),
  kind: text('kind', { enum: ['cash', 'in_kind', 'labour', 'state_budget'] }).notNull(),
  channel: text('channel', { enum: ['card', 'bank_transfer', 'office'] }),
  amountVnd: vnd('amount_vnd').notNull(),
  targetType: text('target_type', { enum: ['house', 'commune', 'general'] }).notNull(),
  targetHouseId: integer('target_house_id').references(() => houses.id),
  targetAreaId: integer('target_area_id').references(() => areas.id),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
  details: jsonb('details'),
  labourUnit: text('labour_unit', { enum: labourUnits }),
}, (t) => [
  index('contributions_target_house_idx').on(t.targetHouseId),
  index('contributions_received_idx').on(t.receivedAt),
  check('contributions_amount_positive', sql`${t.amountVnd} > 0`),
  // Every labour record names the kind of unit that sent the people; nothing else has one.
  check('contributions_labour_unit', sql`CASE WHEN ${t.kind} = 'labour' THEN coalesce(${oneOf(t.labourUnit, labourUnits)}, false) ELSE ${t.labourUnit} IS NULL END`),
]);

// Gapless: id is the position in the hash chain, assigned by ledger_post() under the chain lock.
export const journalEntries = pgTable('journal_entries', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  description: text('description').notNull(),
  contributionId: integer('contribution_id').references(() => contributions.id),
  reversesEntryId: bigint('reverses_entry_id', { mode: 'number' }).unique(),
  reason: text('reason'),
  /** sha256(salt ‖ canonical public record) of the entry's public_records row; in the hashed form when set. */
  commitment: text('commitment'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [
  index('journal_entries_contribution_idx').on(t.contributionId),
  // The cash book and the reconciliation read a month of entries at a time.
  index('journal_entries_occurred_idx').on(t.occurredAt),
  check('journal_entries_kind_known', oneOf(t.kind, ENTRY_KINDS)),
]);

export const journalLines = pgTable('journal_lines', {
  entryId: bigint('entry_id', { mode: 'number' }).notNull().references(() => journalEntries.id),
  lineNo: integer('line_no').notNull(),
  account: text('account').notNull(),
  houseId: integer('house_id'),
  areaId: integer('area_id'),
  contributionId: integer('contribution_id'),
  amountVnd: vnd('amount_vnd').notNull(),
}, (t) => [
  primaryKey({ columns: [t.entryId, t.lineNo] }),
  index('journal_lines_house_idx').on(t.houseId),
  index('journal_lines_contribution_idx').on(t.contributionId),
  check('journal_lines_nonzero', sql`${t.amountVnd} <> 0`),
  check('journal_lines_account_known', oneOf(t.account, Object.keys(ACCOUNTS))),
]);

// The public record each committed entry shows, with its salt. Append-only except a withdrawal, which
// clears the text (body) and names the entry that withdrew it; the commitment in the chain stays.
export const publicRecords = pgTable('public_records', {
  entryId: bigint('entry_id', { mode: 'number' }).primaryKey().references(() => journalEntries.id),
  kind: text('kind').notNull(),
  /** What a record shows (a contribution, a house, a photo), so a later record of it supersedes this one. */
  subjectId: integer('subject_id'),
  salt: text('salt').notNull(),
  /** The canonical record (src/ledger/canonical.ts), exactly the bytes committed after the salt; NULL once withdrawn. */
  body: text('body'),
  withdrawnByEntryId: bigint('withdrawn_by_entry_id', { mode: 'number' }).references(() => journalEntries.id),
}, (t) => [
  check('public_records_kind_known', oneOf(t.kind, RECORD_KINDS)),
  index('public_records_subject_idx').on(t.kind, t.subjectId),
  check('public_records_withdrawn_has_no_text', sql`(${t.body} IS NULL) = (${t.withdrawnByEntryId} IS NOT NULL)`),
]);

export const chainHead = pgTable('chain_head', {
  id: integer('id').primaryKey().default(1),
  entryCount: bigint('entry_count', { mode: 'number' }).notNull(),
  headHash: text('head_hash').notNull(),
}, (t) => [check('chain_head_single_row', sql`${t.id} = 1`)]);

// What is left of each contribution in a pool (a commune's or the general fund's), consumed first-in
// first-out by allocations; a pool's balance is the sum of its lots, which can never go below zero.
export const poolLots = pgTable('pool_lots', {
  poolKey: text('pool_key').notNull(),
  contributionId: integer('contribution_id').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull().generatedByDefaultAsIdentity(),
  areaId: integer('area_id'),
  remainingVnd: vnd('remaining_vnd').notNull(),
}, (t) => [
  primaryKey({ columns: [t.poolKey, t.contributionId] }),
  index('pool_lots_fifo_idx').on(t.poolKey, t.seq).where(sql`${t.remainingVnd} > 0`),
  check('pool_lots_not_negative', sql`${t.remainingVnd} >= 0`),
  // The key is the one format of src/ledger/accounts.ts poolKey(), and agrees with the lot's commune.
  check('pool_lots_key_matches_area', sql`${t.poolKey} = CASE WHEN ${t.areaId} IS NULL THEN 'general' ELSE 'commune:' || ${t.areaId} END`),
]);

export const allocations = pgTable('allocations', {
  id: serial('id').primaryKey(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull().references(() => journalEntries.id),
  houseId: integer('house_id').notNull().references(() => houses.id),
  poolKey: text('pool_key').notNull(),
  amountVnd: vnd('amount_vnd').notNull(),
  decisionRef: text('decision_ref').notNull(),
  createdBy: text('created_by').notNull(),
}, (t) => [check('allocations_pool_key_format', sql`${t.poolKey} ~ ${sql.raw(`'${POOL_KEY_PATTERN}'`)}`)]);

export const disbursements = pgTable('disbursements', {
  id: serial('id').primaryKey(),
  houseId: integer('house_id').notNull().references(() => houses.id),
  amountVnd: vnd('amount_vnd').notNull(),
  purpose: text('purpose').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
  status: text('status', { enum: disbursementStatuses }).notNull().default('pending'),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
  decisionReason: text('decision_reason'),
  entryId: bigint('entry_id', { mode: 'number' }).references(() => journalEntries.id),
  // How the money reached the household (private: full name, account, receipt file); null on older records.
  recipientName: text('recipient_name'),
  method: text('method', { enum: paymentMethods }),
  sourceAccount: text('source_account'),
  paidOn: date('paid_on'),
  receiptFile: text('receipt_file'),
  receiptKind: text('receipt_kind', { enum: receiptKinds }),
}, (t) => [
  index('disbursements_house_idx').on(t.houseId),
  // The cash book finds a payment's house from its journal entry, a line at a time.
  index('disbursements_entry_idx').on(t.entryId),
  // NULL (an older record) passes a CHECK.
  check('disbursements_method_known', oneOf(t.method, paymentMethods)),
  check('disbursements_receipt_kind_known', oneOf(t.receiptKind, receiptKinds)),
  check('disbursements_amount_positive', sql`${t.amountVnd} > 0`),
  check('disbursements_status_known', oneOf(t.status, disbursementStatuses)),
  check('disbursements_four_eyes', sql`${t.decidedBy} IS NULL OR ${t.decidedBy} <> ${t.recordedBy}`),
  check('disbursements_posted_when_approved', sql`(${t.status} = 'approved') = (${t.entryId} IS NOT NULL)`),
]);

// State budget support the commune or district paid to a household, by the paying body's document; the
// entry posts it (a recorder within the house's area records it from that document: no fund money moves).
export const statePayments = pgTable('state_payments', {
  id: serial('id').primaryKey(),
  houseId: integer('house_id').notNull().references(() => houses.id),
  amountVnd: vnd('amount_vnd').notNull(),
  paidOn: date('paid_on').notNull(),
  documentRef: text('document_ref').notNull(),
  recordedBy: text('recorded_by').notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull().unique().references(() => journalEntries.id),
}, (t) => [
  index('state_payments_house_idx').on(t.houseId),
  check('state_payments_amount_positive', sql`${t.amountVnd} > 0`),
]);

// One row per external event or form submission; the result is replayed for a repeat.
export const idempotencyKeys = pgTable('idempotency_keys', {
  key: text('key').primaryKey(),
  requestHash: text('request_hash').notNull(),
  result: jsonb('result'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});


// ---- Issue 5: the staff workspace (accounts, sessions, sign-in throttling, audit log, photos) ----

export const staffRoles = ['administrator', 'recorder', 'approver', 'auditor'] as const;

// No self sign-up: rows come from `npm run staff:add`. The username is the identity written into
// ledger records (recorded_by, decided_by), so it is never renamed.
export const staffUsers = pgTable('staff_users', {
  id: serial('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: staffRoles }).notNull(),
  /** Areas a recorder may record for (any level; their communes are included); empty for other roles. */
  areaIds: integer('area_ids').array().notNull().default(sql`'{}'::integer[]`),
  passwordHash: text('password_hash').notNull(),
  failedCount: integer('failed_count').notNull().default(0),
  lastFailedAt: timestamp('last_failed_at', { withTimezone: true, mode: 'date' }),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

// Only a SHA-256 of the session token is stored, so a copy of this table cannot sign anyone in.
export const staffSessions = pgTable('staff_sessions', {
  idHash: text('id_hash').primaryKey(),
  userId: integer('user_id').notNull().references(() => staffUsers.id),
  csrfToken: text('csrf_token').notNull(),
  ip: text('ip'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
}, (t) => [index('staff_sessions_user_idx').on(t.userId)]);

// Failed sign-ins per client address, slowed and then locked like an account.
export const loginThrottle = pgTable('login_throttle', {
  address: text('address').primaryKey(),
  failedCount: integer('failed_count').notNull().default(0),
  lastFailedAt: timestamp('last_failed_at', { withTimezone: true, mode: 'date' }),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
});

// Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE): who did what, when, from where.
export const auditLog = pgTable('audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  actor: text('actor'),
  action: text('action').notNull(),
  outcome: text('outcome', { enum: ['ok', 'refused'] }).notNull(),
  target: text('target'),
  details: jsonb('details'),
  ip: text('ip'),
}, (t) => [
  index('audit_log_at_idx').on(t.at),
  index('audit_log_actor_idx').on(t.actor, t.at),
  index('audit_log_action_idx').on(t.action, t.at),
]);

// Photos of a house at a stage, re-encoded without metadata and stored under a random name.
export const photos = pgTable('photos', {
  id: serial('id').primaryKey(),
  houseId: integer('house_id').notNull().references(() => houses.id),
  stage: text('stage', { enum: ['approved', 'funded', 'under_construction', 'completed', 'handed_over'] }).notNull(),
  storedName: text('stored_name').notNull().unique(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  bytes: integer('bytes').notNull(),
  /** SHA-256 of the file as uploaded, and a 64-bit difference hash of its pixels: the same picture twice is flagged. */
  sourceSha256: text('source_sha256'),
  pixelHash: text('pixel_hash'),
  /** SHA-256 of the stored (published) file, as its public record commits it. */
  sha256: text('sha256'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('photos_house_idx').on(t.houseId),
  index('photos_source_sha256_idx').on(t.sourceSha256),
  index('photos_pixel_hash_idx').on(t.pixelHash),
]);

// ── Issue 4: donation intake (pledges, Stripe events waiting for their payment, bank statements, review queue) ──

// A donor's intention, made before any money moves: the receipt code is the donor's at once and
// becomes the contribution's receipt code when the money is confirmed. Email stays private.
export const pledges = pgTable('pledges', {
  id: serial('id').primaryKey(),
  receiptCode: text('receipt_code').notNull().unique(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  targetType: text('target_type', { enum: ['house', 'commune', 'general'] }).notNull(),
  targetHouseId: integer('target_house_id').references(() => houses.id),
  targetAreaId: integer('target_area_id').references(() => areas.id),
  amountVnd: vnd('amount_vnd').notNull(),
  displayName: text('display_name'),
  anonymous: boolean('anonymous').notNull().default(false),
  email: text('email'),
  method: text('method', { enum: ['card', 'bank_transfer'] }).notNull(),
  status: text('status', { enum: pledgeStatuses }).notNull().default('pending'),
  statusReason: text('status_reason'),
  stripeSessionId: text('stripe_session_id').unique(),
  stripePaymentIntentId: text('stripe_payment_intent_id').unique(),
  contributionId: integer('contribution_id').references(() => contributions.id),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true, mode: 'date' }),
  /** Decree 13/2023: the privacy notice the donor agreed to, and when; set whenever an email is given. */
  privacyNoticeVersion: text('privacy_notice_version'),
  emailConsentAt: timestamp('email_consent_at', { withTimezone: true, mode: 'date' }),
  /** A business gift: the company's name for its confirmation (private, as the tax code is). */
  companyName: text('company_name'),
  /** Mã số thuế, 10 digits or 10-3 for a branch; private, never published. */
  taxCode: text('tax_code'),
}, (t) => [
  index('pledges_status_idx').on(t.status),
  index('pledges_tax_code_idx').on(t.taxCode),
  check('pledges_company_has_tax_code', sql`(${t.companyName} IS NULL) = (${t.taxCode} IS NULL)`),
  index('pledges_email_idx').on(sql`lower(${t.email})`),
  check('pledges_amount_positive', sql`${t.amountVnd} > 0`),
  check('pledges_status_known', oneOf(t.status, pledgeStatuses)),
  check('pledges_confirmed_has_contribution', sql`${t.status} NOT IN ('confirmed', 'refunded', 'disputed') OR ${t.contributionId} IS NOT NULL`),
]);

// A refund or dispute can arrive before the payment it belongs to is known: it waits here and is
// applied in the same transaction that confirms the payment.
export const stripeParkedEvents = pgTable('stripe_parked_events', {
  eventId: text('event_id').primaryKey(),
  paymentIntentId: text('payment_intent_id').notNull(),
  type: text('type').notNull(),
  object: jsonb('object').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }),
}, (t) => [index('stripe_parked_events_pi_idx').on(t.paymentIntentId)]);

export const bankStatements = pgTable('bank_statements', {
  id: serial('id').primaryKey(),
  fileSha256: text('file_sha256').notNull().unique(),
  fileName: text('file_name').notNull(),
  layout: text('layout').notNull(),
  accountNo: text('account_no'),
  openingBalanceVnd: vnd('opening_balance_vnd'),
  closingBalanceVnd: vnd('closing_balance_vnd'),
  rowCount: integer('row_count').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
});

// One row per bank transaction, kept once however many statements repeat it (row_key). The raw
// memo is private: only the matched receipt code is ever published.
export const bankStatementRows = pgTable('bank_statement_rows', {
  id: serial('id').primaryKey(),
  /** The statement that brought the row; null when the bank feed reported it first. */
  statementId: integer('statement_id').references(() => bankStatements.id),
  rowKey: text('row_key').notNull().unique(),
  lineNo: integer('line_no').notNull(),
  bookedAt: timestamp('booked_at', { withTimezone: true, mode: 'date' }).notNull(),
  reference: text('reference'),
  creditVnd: vnd('credit_vnd').notNull(),
  debitVnd: vnd('debit_vnd').notNull(),
  balanceVnd: vnd('balance_vnd'),
  memo: text('memo').notNull(),
  matchedCode: text('matched_code'),
  pledgeId: integer('pledge_id').references(() => pledges.id),
  contributionId: integer('contribution_id').references(() => contributions.id),
  /** The approved payment to a household that this debit paid: one bank row per payment. */
  disbursementId: integer('disbursement_id').references(() => disbursements.id).unique(),
  status: text('status', { enum: bankRowStatuses }).notNull(),
}, (t) => [
  index('bank_statement_rows_statement_idx').on(t.statementId),
  check('bank_statement_rows_status_known', oneOf(t.status, bankRowStatuses)),
  check('bank_statement_rows_one_side', sql`(${t.creditVnd} > 0 AND ${t.debitVnd} = 0) OR (${t.creditVnd} = 0 AND ${t.debitVnd} > 0)`),
]);

// Virtual account numbers the fund's bank gives (loaded by staff from the bank's list or range): each is
// given to at most one house or commune pledge, so its money is known by the account it was sent to.
export const virtualAccounts = pgTable('virtual_accounts', {
  accountNo: text('account_no').primaryKey(),
  pledgeId: integer('pledge_id').references(() => pledges.id).unique(),
  loadedAt: timestamp('loaded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('virtual_accounts_free_idx').on(t.accountNo).where(sql`${t.pledgeId} IS NULL`),
  check('virtual_accounts_number', sql`${t.accountNo} ~ '^[0-9A-Za-z]{1,19}$'`),
]);

// Money that arrived but could not be posted automatically waits for staff here, with its reason.
export const paymentReviews = pgTable('payment_reviews', {
  id: serial('id').primaryKey(),
  source: text('source', { enum: reviewSources }).notNull(),
  /** The Stripe event id or the bank row key: one review per external item. */
  reference: text('reference').notNull(),
  reason: text('reason').notNull(),
  detail: text('detail').notNull(),
  pledgeId: integer('pledge_id').references(() => pledges.id),
  bankRowId: integer('bank_row_id').references(() => bankStatementRows.id),
  amountVnd: vnd('amount_vnd'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
  resolvedBy: text('resolved_by'),
  resolution: text('resolution'),
}, (t) => [
  uniqueIndex('payment_reviews_source_reference_idx').on(t.source, t.reference),
  check('payment_reviews_source_known', oneOf(t.source, reviewSources)),
  index('payment_reviews_open_idx').on(t.createdAt).where(sql`${t.resolvedAt} IS NULL`),
]);

// ── Email: a transactional outbox, unsubscribes, and consent recorded with the pledge ──

export const mailKinds = ['receipt', 'refund', 'handover', 'business_confirmation', 'feedback_answer'] as const;
// pending → sent, or retrying → … → dead (staff may resend); suppressed: the address unsubscribed;
// erased: the donor had their address erased before it was sent.
export const mailStatuses = ['pending', 'retrying', 'sent', 'dead', 'suppressed', 'erased'] as const;

// Written in the same transaction as the event that causes it, sent later by the server's worker.
// dedupe_key names the event and its recipient (never the address), so a replayed event adds nothing.
export const mailOutbox = pgTable('mail_outbox', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  dedupeKey: text('dedupe_key').notNull().unique(),
  kind: text('kind', { enum: mailKinds }).notNull(),
  /** The recipient's address; NULL once the donor had it erased. */
  recipient: text('recipient'),
  /** The receipt the message is about, when there is one: how an erasure request finds it. */
  receiptCode: text('receipt_code'),
  /** What the message says, no personal data beyond the recipient's own; rendered when sent. */
  payload: jsonb('payload').notNull(),
  /** Files to attach: [{ filename, contentType, base64 }]. */
  attachments: jsonb('attachments'),
  /** Random, for the one-click unsubscribe link. */
  unsubscribeToken: text('unsubscribe_token').notNull().unique(),
  status: text('status', { enum: mailStatuses }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  lastError: text('last_error'),
  messageId: text('message_id'),
  sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('mail_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} IN ('pending', 'retrying')`),
  index('mail_outbox_receipt_idx').on(t.receiptCode),
  check('mail_outbox_status_known', sql`${t.status} IN ('pending', 'retrying', 'sent', 'dead', 'suppressed', 'erased')`),
  check('mail_outbox_kind_known', sql`${t.kind} IN ('receipt', 'refund', 'handover', 'business_confirmation', 'feedback_answer')`),
  check('mail_outbox_recipient_while_queued', sql`${t.status} NOT IN ('pending', 'retrying') OR ${t.recipient} IS NOT NULL`),
  check('mail_outbox_attempts_not_negative', sql`${t.attempts} >= 0`),
]);

// Addresses that asked for no more updates from a campaign; receipts are still sent.
export const mailUnsubscribes = pgTable('mail_unsubscribes', {
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  /** Lower-cased address. */
  email: text('email').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.campaignId, t.email] })]);

// People's supervision: a question or complaint from the public, answered by staff. Holds no personal
// data: the visitor follows it by its tracking code, and the question and answer are published together.
export const feedbackTopics = ['house', 'payment', 'selection', 'other'] as const;
export const feedbackStatuses = ['open', 'answered'] as const;
export const feedback = pgTable('feedback', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  trackingCode: text('tracking_code').notNull().unique(),
  topic: text('topic', { enum: feedbackTopics }).notNull(),
  /** The house the question is about, by its public code. */
  houseCode: text('house_code'),
  question: text('question').notNull(),
  status: text('status', { enum: feedbackStatuses }).notNull().default('open'),
  answer: text('answer'),
  answeredBy: text('answered_by'),
  answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'date' }),
  /** Staff chose to publish the question with its answer on the public page. */
  published: boolean('published').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('feedback_status_idx').on(t.status, t.createdAt),
  check('feedback_topic_known', oneOf(t.topic, feedbackTopics)),
  check('feedback_status_known', oneOf(t.status, feedbackStatuses)),
  check('feedback_answered_has_answer', sql`${t.status} = 'open' OR (${t.answer} IS NOT NULL AND ${t.answeredAt} IS NOT NULL)`),
  check('feedback_published_when_answered', sql`NOT ${t.published} OR ${t.status} = 'answered'`),
]);

// A recorder's request to correct an entry, in words; an approver (never the same person) approves it,
// which posts the reversal, or refuses it with a reason. Nothing is edited; the request stays as a record.
export const correctionStatuses = ['pending', 'approved', 'refused'] as const;
export const correctionRequests = pgTable('correction_requests', {
  id: serial('id').primaryKey(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull().references(() => journalEntries.id),
  whatIsWrong: text('what_is_wrong').notNull(),
  requestedBy: text('requested_by').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  status: text('status', { enum: correctionStatuses }).notNull().default('pending'),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
  decisionReason: text('decision_reason'),
  reversalEntryId: bigint('reversal_entry_id', { mode: 'number' }).references(() => journalEntries.id),
}, (t) => [
  index('correction_requests_open_idx').on(t.requestedAt).where(sql`${t.status} = 'pending'`),
  check('correction_requests_status_known', oneOf(t.status, correctionStatuses)),
  check('correction_requests_four_eyes', sql`${t.decidedBy} IS NULL OR ${t.decidedBy} <> ${t.requestedBy}`),
  check('correction_requests_decided', sql`(${t.status} = 'pending') = (${t.decidedBy} IS NULL)`),
  check('correction_requests_approved_posted', sql`(${t.status} = 'approved') = (${t.reversalEntryId} IS NOT NULL)`),
]);

// The balance of each account holding real money, kept by a trigger on journal_lines (custom SQL in
// the migration): its CHECK refuses any posting that would take the bank, the card processor or the
// office cash below zero, under any concurrency, whichever path posts. ledger:verify recomputes it.
export const cashBalances = pgTable('cash_balances', {
  account: text('account').primaryKey(),
  balanceVnd: vnd('balance_vnd').notNull(),
}, (t) => [
  check('cash_balances_account_known', oneOf(t.account, CASH_ACCOUNT_CODES)),
  check('cash_overdrawn', sql`${t.balanceVnd} >= 0`),
]);

// Money moving between the fund's own accounts (card payouts, office deposits, bank charges), each once
// by its reference (the payout id, the deposit slip, the bank row), and the bank row that shows it.
export const treasuryKinds = ['payout', 'deposit', 'bank_charge', 'opening_balance'] as const;
export const treasuryMovements = pgTable('treasury_movements', {
  id: serial('id').primaryKey(),
  kind: text('kind', { enum: treasuryKinds }).notNull(),
  reference: text('reference').notNull(),
  amountVnd: vnd('amount_vnd').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull().references(() => journalEntries.id),
  /** The statement row that shows the money arriving or leaving; null until the statement comes. */
  bankRowId: integer('bank_row_id').references(() => bankStatementRows.id).unique(),
  /** Who recorded it (staff, for a deposit); private. */
  recordedBy: text('recorded_by'),
}, (t) => [
  uniqueIndex('treasury_movements_reference_idx').on(t.kind, t.reference),
  index('treasury_movements_unclaimed_idx').on(t.kind, t.amountVnd).where(sql`${t.bankRowId} IS NULL`),
  check('treasury_movements_kind_known', oneOf(t.kind, treasuryKinds)),
  check('treasury_movements_amount_positive', sql`${t.amountVnd} > 0`),
]);
