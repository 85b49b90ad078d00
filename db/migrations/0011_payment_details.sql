ALTER TABLE "disbursements" ADD COLUMN "recipient_name" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "method" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "source_account" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "paid_on" date;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "receipt_file" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD COLUMN "receipt_kind" text;--> statement-breakpoint
ALTER TABLE "disbursements" ADD CONSTRAINT "disbursements_method_known" CHECK ("disbursements"."method" IN ('cash', 'transfer'));--> statement-breakpoint
ALTER TABLE "disbursements" ADD CONSTRAINT "disbursements_receipt_kind_known" CHECK ("disbursements"."receipt_kind" IN ('photo', 'pdf'));