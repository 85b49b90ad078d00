ALTER TABLE "donors" ADD COLUMN "merged_into_id" integer;--> statement-breakpoint
ALTER TABLE "houses" ADD COLUMN "funded_reason" text;--> statement-breakpoint
ALTER TABLE "photos" ADD COLUMN "source_sha256" text;--> statement-breakpoint
ALTER TABLE "photos" ADD COLUMN "pixel_hash" text;--> statement-breakpoint
CREATE INDEX "donors_tax_code_idx" ON "donors" USING btree ("tax_code");--> statement-breakpoint
CREATE INDEX "donors_phone_idx" ON "donors" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "donors_email_idx" ON "donors" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "donors_merged_into_idx" ON "donors" USING btree ("merged_into_id");--> statement-breakpoint
CREATE INDEX "photos_source_sha256_idx" ON "photos" USING btree ("source_sha256");--> statement-breakpoint
CREATE INDEX "photos_pixel_hash_idx" ON "photos" USING btree ("pixel_hash");--> statement-breakpoint
ALTER TABLE "donors" ADD CONSTRAINT "donors_not_merged_into_itself" CHECK ("donors"."merged_into_id" IS NULL OR "donors"."merged_into_id" <> "donors"."id");