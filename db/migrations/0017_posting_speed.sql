-- Custom SQL (no schema change).
-- ledger_canonical_tail() was declared IMMUTABLE around to_char(), which is only STABLE: PostgreSQL
-- then refuses to inline it and calls it as a function once per row, which made ledger:verify of a
-- million entries about three times slower. Declared STABLE, its expression is inlined into the query.
ALTER FUNCTION ledger_canonical_tail(text, timestamptz, text, integer, bigint, text, text, text) STABLE;
