CREATE TYPE "utilities"."charge_basis" AS ENUM('READING', 'NORM');--> statement-breakpoint
CREATE TYPE "utilities"."charge_kind" AS ENUM('CHARGE', 'RECALCULATION');--> statement-breakpoint
CREATE TYPE "utilities"."norm_basis" AS ENUM('RESIDENT', 'SQUARE_METRE');--> statement-breakpoint
CREATE TABLE "utilities"."charges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"billing_period_id" uuid NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"kind" "utilities"."charge_kind" NOT NULL,
	"basis" "utilities"."charge_basis" NOT NULL,
	"volume" numeric(14, 4) NOT NULL,
	"tariff_id" uuid NOT NULL,
	"amount_tiyn" bigint NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "charges_reason_check" CHECK (("utilities"."charges"."kind" = 'RECALCULATION') = ("utilities"."charges"."reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "utilities"."consumption_norms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"territory_kato" char(9),
	"basis" "utilities"."norm_basis" NOT NULL,
	"volume" numeric(14, 4) NOT NULL,
	"valid_from" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_account_id_personal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "utilities"."personal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_billing_period_id_billing_periods_id_fk" FOREIGN KEY ("billing_period_id") REFERENCES "utilities"."billing_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_tariff_id_tariffs_id_fk" FOREIGN KEY ("tariff_id") REFERENCES "utilities"."tariffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."consumption_norms" ADD CONSTRAINT "consumption_norms_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "charges_one_charge_per_period_key" ON "utilities"."charges" USING btree ("account_id","billing_period_id") WHERE "utilities"."charges"."kind" = 'CHARGE';--> statement-breakpoint
CREATE INDEX "charges_period_idx" ON "utilities"."charges" USING btree ("billing_period_id","account_id");--> statement-breakpoint
CREATE INDEX "consumption_norms_supplier_service_idx" ON "utilities"."consumption_norms" USING btree ("supplier_id","service","valid_from");