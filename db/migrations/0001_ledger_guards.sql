-- Posted journal rows are immutable: a correction is a new reversing entry.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are append-only: % on % refused; post a reversing entry instead', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'P0001';
END $$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER contributions_immutable BEFORE UPDATE OR DELETE ON contributions
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
-- Every entry balances and has at least two lines, checked when the transaction commits.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  line_count integer;
  total numeric;
BEGIN
  SELECT count(*), coalesce(sum(amount_vnd), 0) INTO line_count, total
    FROM journal_lines WHERE entry_id = NEW.id;
  IF line_count < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (% lines, sum % đồng)', NEW.id, line_count, total
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A line added later to an old entry would unbalance it: check the entry of every new line too.
CREATE FUNCTION ledger_check_line_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total numeric;
BEGIN
  SELECT coalesce(sum(amount_vnd), 0) INTO total FROM journal_lines WHERE entry_id = NEW.entry_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (sum % đồng)', NEW.entry_id, total USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_line_balanced();
--> statement-breakpoint
-- The first result of an idempotency key is final.
CREATE FUNCTION idempotency_result_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.key <> NEW.key OR OLD.request_hash <> NEW.request_hash OR OLD.result IS NOT NULL THEN
    RAISE EXCEPTION 'idempotency key % is already settled', OLD.key USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER idempotency_keys_settle_once BEFORE UPDATE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION idempotency_result_once();
--> statement-breakpoint
CREATE TRIGGER idempotency_keys_no_delete BEFORE DELETE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
INSERT INTO chain_head (id, entry_count, head_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
-- Appends one entry to the hash chain in a single round trip, so the chain lock is held as briefly
-- as possible. The caller sends the canonical serialisation without its id (src/ledger/hash.ts);
-- the hash is sha256(prev_hash || '\n' || '{"id":<id>,' || canonical_tail), exactly as there.
CREATE FUNCTION ledger_post(
  p_kind text, p_occurred_at timestamptz, p_description text, p_contribution_id integer,
  p_reverses_entry_id bigint, p_reason text, p_canonical_tail text, p_lines jsonb
) RETURNS TABLE (entry_id bigint, entry_prev_hash text, entry_hash text) LANGUAGE plpgsql AS $$
DECLARE
  v_prev text;
  v_id bigint;
  v_hash text;
BEGIN
  SELECT entry_count + 1, head_hash INTO v_id, v_prev FROM chain_head WHERE id = 1 FOR UPDATE;
  v_hash := encode(sha256(convert_to(v_prev || E'\n' || '{"id":' || v_id || ',' || p_canonical_tail, 'UTF8')), 'hex');
  INSERT INTO journal_entries (id, kind, occurred_at, description, contribution_id, reverses_entry_id, reason, prev_hash, hash)
    VALUES (v_id, p_kind, p_occurred_at, p_description, p_contribution_id, p_reverses_entry_id, p_reason, v_prev, v_hash);
  INSERT INTO journal_lines (entry_id, line_no, account, house_id, area_id, contribution_id, amount_vnd)
    SELECT v_id, l.ordinality, l.value->>0, (l.value->>1)::integer, (l.value->>2)::integer, (l.value->>3)::integer, (l.value->>4)::bigint
    FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS l;
  UPDATE chain_head SET entry_count = v_id, head_hash = v_hash WHERE id = 1;
  RETURN QUERY SELECT v_id, v_prev, v_hash;
END $$;
