CREATE TYPE "utilities"."payment_channel" AS ENUM('BANK', 'AGENT');--> statement-breakpoint
CREATE TABLE "utilities"."payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"billing_period_id" uuid NOT NULL,
	"amount_tiyn" bigint NOT NULL,
	"paid_on" date NOT NULL,
	"channel" "utilities"."payment_channel" NOT NULL,
	"agent_name" varchar(200) NOT NULL,
	"reference" varchar(100) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_check" CHECK ("utilities"."payments"."amount_tiyn" > 0)
);
--> statement-breakpoint
ALTER TABLE "utilities"."payments" ADD CONSTRAINT "payments_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."payments" ADD CONSTRAINT "payments_account_id_personal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "utilities"."personal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."payments" ADD CONSTRAINT "payments_billing_period_id_billing_periods_id_fk" FOREIGN KEY ("billing_period_id") REFERENCES "utilities"."billing_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_supplier_agent_reference_key" ON "utilities"."payments" USING btree ("supplier_id","agent_name","reference");--> statement-breakpoint
CREATE INDEX "payments_account_period_idx" ON "utilities"."payments" USING btree ("account_id","billing_period_id");