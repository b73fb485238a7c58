CREATE TYPE "utilities"."account_change" AS ENUM('OPENED', 'UPDATED', 'CLOSED');--> statement-breakpoint
CREATE TABLE "utilities"."personal_account_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"change" "utilities"."account_change" NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changes" jsonb NOT NULL,
	"personal_data_changed" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "utilities"."personal_account_history" ADD CONSTRAINT "personal_account_history_account_id_personal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "utilities"."personal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "personal_account_history_account_idx" ON "utilities"."personal_account_history" USING btree ("account_id","id");