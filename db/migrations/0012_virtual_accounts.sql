CREATE TABLE "virtual_accounts" (
	"account_no" text PRIMARY KEY NOT NULL,
	"pledge_id" integer,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "virtual_accounts_pledge_id_unique" UNIQUE("pledge_id"),
	CONSTRAINT "virtual_accounts_number" CHECK ("virtual_accounts"."account_no" ~ '^[0-9A-Za-z]{1,19}$')
);
--> statement-breakpoint
ALTER TABLE "virtual_accounts" ADD CONSTRAINT "virtual_accounts_pledge_id_pledges_id_fk" FOREIGN KEY ("pledge_id") REFERENCES "public"."pledges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "virtual_accounts_free_idx" ON "virtual_accounts" USING btree ("account_no") WHERE "virtual_accounts"."pledge_id" IS NULL;