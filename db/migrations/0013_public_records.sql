CREATE TABLE "public_records" (
	"entry_id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"subject_id" integer,
	"salt" text NOT NULL,
	"body" text,
	"withdrawn_by_entry_id" bigint,
	CONSTRAINT "public_records_kind_known" CHECK ("public_records"."kind" IN ('allocation', 'disbursement', 'contribution')),
	CONSTRAINT "public_records_withdrawn_has_no_text" CHECK (("public_records"."body" IS NULL) = ("public_records"."withdrawn_by_entry_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "journal_entries" DROP CONSTRAINT "journal_entries_kind_known";--> statement-breakpoint
ALTER TABLE "journal_entries" ADD COLUMN "commitment" text;--> statement-breakpoint
ALTER TABLE "public_records" ADD CONSTRAINT "public_records_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_records" ADD CONSTRAINT "public_records_withdrawn_by_entry_id_journal_entries_id_fk" FOREIGN KEY ("withdrawn_by_entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "public_records_subject_idx" ON "public_records" USING btree ("kind","subject_id");--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_kind_known" CHECK ("journal_entries"."kind" IN ('contribution', 'in_kind', 'labour', 'state_budget', 'allocation', 'disbursement', 'reversal', 'record'));--> statement-breakpoint
-- The canonical tail of an entry (src/ledger/canonical.ts canonicalTailOf) rendered in SQL, so
-- ledger:verify rehashes a million entries without rebuilding them in JavaScript. A property test
-- holds the two renderings equal on random entries (unicode, long texts, nulls).
CREATE FUNCTION ledger_canonical_tail(
  p_kind text, p_occurred_at timestamptz, p_description text, p_contribution_id integer,
  p_reverses_entry_id bigint, p_reason text, p_commitment text, p_lines_json text
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '"kind":' || to_json(p_kind)::text
    || ',"occurred_at":"' || to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    || '","description":' || to_json(p_description)::text
    || ',"contribution_id":' || coalesce(p_contribution_id::text, 'null')
    || ',"reverses_entry_id":' || coalesce(p_reverses_entry_id::text, 'null')
    || ',"reason":' || coalesce(to_json(p_reason)::text, 'null')
    || coalesce(',"commitment":' || to_json(p_commitment)::text, '')
    || ',"lines":[' || coalesce(p_lines_json, '') || ']}'
$$;
--> statement-breakpoint
-- The chain's one writer now also stores each entry's commitment and its salted public record.
-- Each element of p_entries may carry commitment and record {kind, subject_id, salt, body}; the tail already holds the commitment.
CREATE OR REPLACE FUNCTION ledger_append(p_entries jsonb)
RETURNS TABLE (ordinal integer, entry_id bigint, entry_prev_hash text, entry_hash text) LANGUAGE plpgsql AS $$
DECLARE
  v_prev text;
  v_id bigint;
  v_ids bigint[] := '{}';
  v_prevs text[] := '{}';
  v_hashes text[] := '{}';
  v_entry jsonb;
BEGIN
  SELECT entry_count, head_hash INTO v_id, v_prev FROM chain_head WHERE id = 1 FOR UPDATE;
  FOR v_entry IN SELECT value FROM jsonb_array_elements(p_entries) LOOP
    v_id := v_id + 1;
    v_ids := v_ids || v_id;
    v_prevs := v_prevs || v_prev;
    v_prev := encode(sha256(convert_to(v_prev || E'\n' || '{"id":' || v_id || ',' || (v_entry->>'tail'), 'UTF8')), 'hex');
    v_hashes := v_hashes || v_prev;
  END LOOP;
  INSERT INTO journal_entries (id, kind, occurred_at, description, contribution_id, reverses_entry_id, reason, commitment, prev_hash, hash)
    SELECT v_ids[e.n], e.v->>'kind', (e.v->>'occurred_at')::timestamptz, e.v->>'description', (e.v->>'contribution_id')::integer,
           (e.v->>'reverses_entry_id')::bigint, e.v->>'reason', e.v->>'commitment', v_prevs[e.n], v_hashes[e.n]
    FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n);
  INSERT INTO journal_lines (entry_id, line_no, account, house_id, area_id, contribution_id, amount_vnd)
    SELECT v_ids[e.n], l.n, l.v->>0, (l.v->>1)::integer, (l.v->>2)::integer, (l.v->>3)::integer, (l.v->>4)::bigint
    FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n), jsonb_array_elements(e.v->'lines') WITH ORDINALITY AS l(v, n);
  INSERT INTO public_records (entry_id, kind, subject_id, salt, body)
    SELECT v_ids[e.n], e.v->'record'->>'kind', (e.v->'record'->>'subject_id')::integer, e.v->'record'->>'salt', e.v->'record'->>'body'
    FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n) WHERE e.v ? 'record';
  IF array_length(v_ids, 1) > 0 THEN
    UPDATE chain_head SET entry_count = v_id, head_hash = v_prev WHERE id = 1;
  END IF;
  RETURN QUERY SELECT s.n::integer, v_ids[s.n], v_prevs[s.n], v_hashes[s.n] FROM generate_subscripts(v_ids, 1) AS s(n);
END $$;
--> statement-breakpoint
-- A public record is never deleted or rewritten; the one change allowed is a withdrawal, which clears
-- the text and names the entry that withdrew it (the commitment in the chain stays and still verifies).
CREATE FUNCTION public_records_withdraw_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR OLD.body IS NULL OR NEW.body IS NOT NULL OR NEW.withdrawn_by_entry_id IS NULL
     OR (NEW.entry_id, NEW.kind, NEW.subject_id, NEW.salt) IS DISTINCT FROM (OLD.entry_id, OLD.kind, OLD.subject_id, OLD.salt) THEN
    RAISE EXCEPTION 'public records are append-only: % refused; only a withdrawal may clear a record''s text', TG_OP
      USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER public_records_append_only BEFORE UPDATE OR DELETE ON public_records
  FOR EACH ROW EXECUTE FUNCTION public_records_withdraw_only();
--> statement-breakpoint
CREATE TRIGGER public_records_no_truncate BEFORE TRUNCATE ON public_records
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
-- A record entry moves no money and has no lines; every other entry balances over at least two.
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  line_count integer;
  total numeric;
BEGIN
  SELECT count(*), coalesce(sum(amount_vnd), 0) INTO line_count, total
    FROM journal_lines WHERE entry_id = NEW.id;
  IF (NEW.kind = 'record' AND line_count <> 0) OR (NEW.kind <> 'record' AND line_count < 2) OR total <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (% lines, sum % đồng)', NEW.id, line_count, total
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
