ALTER TABLE "areas" ADD COLUMN "target_houses" integer;--> statement-breakpoint
ALTER TABLE "contributions" ADD COLUMN "labour_unit" text;--> statement-breakpoint
-- Hand-written: labour recorded before this migration gets its kind of unit from the organisation's name,
-- 'other' when the name says nothing. Contributions are append-only, so the guard trigger is lifted for
-- this one backfill of the new column only, inside the migration's transaction.
ALTER TABLE "contributions" DISABLE TRIGGER contributions_immutable;--> statement-breakpoint
UPDATE "contributions" SET "labour_unit" = CASE
    WHEN details->>'organisation' ~* '(quân sự|quân đội|biên phòng|công binh|đại đội|trung đoàn|sư đoàn|bộ đội)' THEN 'army'
    WHEN details->>'organisation' ~* '(thanh niên|tỉnh đoàn|huyện đoàn|đoàn viên)' THEN 'youth_union'
    WHEN details->>'organisation' ~* 'phụ nữ' THEN 'womens_union'
    WHEN details->>'organisation' ~* '(bà con|thôn|hàng xóm|láng giềng)' THEN 'neighbours'
    ELSE 'other' END
  WHERE "kind" = 'labour';--> statement-breakpoint
ALTER TABLE "contributions" ENABLE TRIGGER contributions_immutable;--> statement-breakpoint
ALTER TABLE "areas" ADD CONSTRAINT "areas_target_houses_positive" CHECK ("areas"."target_houses" IS NULL OR "areas"."target_houses" > 0);--> statement-breakpoint
ALTER TABLE "contributions" ADD CONSTRAINT "contributions_labour_unit" CHECK (CASE WHEN "contributions"."kind" = 'labour' THEN coalesce("contributions"."labour_unit" IN ('army', 'youth_union', 'womens_union', 'neighbours', 'other'), false) ELSE "contributions"."labour_unit" IS NULL END);