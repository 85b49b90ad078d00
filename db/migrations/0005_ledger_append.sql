-- Appends a whole batch of entries to the hash chain in one call: the chain lock is taken once,
-- each entry is hashed after the one before it, then entries and lines go in as two set inserts.
-- Each element of p_entries: {kind, occurred_at, description, contribution_id, reverses_entry_id,
-- reason, tail, lines}; tail is the canonical serialisation without its id (src/ledger/hash.ts) and
-- the hash is sha256(prev_hash || '\n' || '{"id":<id>,' || tail), exactly as there.
CREATE FUNCTION ledger_append(p_entries jsonb)
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
  INSERT INTO journal_entries (id, kind, occurred_at, description, contribution_id, reverses_entry_id, reason, prev_hash, hash)
    SELECT v_ids[e.n], e.v->>'kind', (e.v->>'occurred_at')::timestamptz, e.v->>'description', (e.v->>'contribution_id')::integer,
           (e.v->>'reverses_entry_id')::bigint, e.v->>'reason', v_prevs[e.n], v_hashes[e.n]
    FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n);
  INSERT INTO journal_lines (entry_id, line_no, account, house_id, area_id, contribution_id, amount_vnd)
    SELECT v_ids[e.n], l.n, l.v->>0, (l.v->>1)::integer, (l.v->>2)::integer, (l.v->>3)::integer, (l.v->>4)::bigint
    FROM jsonb_array_elements(p_entries) WITH ORDINALITY AS e(v, n), jsonb_array_elements(e.v->'lines') WITH ORDINALITY AS l(v, n);
  IF array_length(v_ids, 1) > 0 THEN
    UPDATE chain_head SET entry_count = v_id, head_hash = v_prev WHERE id = 1;
  END IF;
  RETURN QUERY SELECT s.n::integer, v_ids[s.n], v_prevs[s.n], v_hashes[s.n] FROM generate_subscripts(v_ids, 1) AS s(n);
END $$;
--> statement-breakpoint
-- The one-entry form keeps its signature and becomes a batch of one, so the chain has one writer.
CREATE OR REPLACE FUNCTION ledger_post(
  p_kind text, p_occurred_at timestamptz, p_description text, p_contribution_id integer,
  p_reverses_entry_id bigint, p_reason text, p_canonical_tail text, p_lines jsonb
) RETURNS TABLE (entry_id bigint, entry_prev_hash text, entry_hash text) LANGUAGE sql AS $$
  SELECT a.entry_id, a.entry_prev_hash, a.entry_hash FROM ledger_append(jsonb_build_array(jsonb_build_object(
    'kind', p_kind, 'occurred_at', p_occurred_at, 'description', p_description, 'contribution_id', p_contribution_id,
    'reverses_entry_id', p_reverses_entry_id, 'reason', p_reason, 'tail', p_canonical_tail, 'lines', p_lines))) AS a;
$$;
