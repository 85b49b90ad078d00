ALTER TABLE "public_records" DROP CONSTRAINT "public_records_kind_known";--> statement-breakpoint
ALTER TABLE "photos" ADD COLUMN "sha256" text;--> statement-breakpoint
ALTER TABLE "public_records" ADD CONSTRAINT "public_records_kind_known" CHECK ("public_records"."kind" IN ('allocation', 'disbursement', 'house', 'consent', 'stage', 'photo', 'state_payment', 'contribution'));--> statement-breakpoint
-- Custom SQL. A stored photo is published and committed in the chain by its public record: the row is
-- never changed or removed (ledger:verify also compares every row with its record).
CREATE TRIGGER photos_append_only BEFORE UPDATE OR DELETE ON photos
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER photos_no_truncate BEFORE TRUNCATE ON photos
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
