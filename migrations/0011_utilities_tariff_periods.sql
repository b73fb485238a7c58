CREATE TYPE "utilities"."billing_period_status" AS ENUM('OPEN', 'CLOSED');--> statement-breakpoint
CREATE TYPE "utilities"."consumer_category" AS ENUM('HOUSEHOLD', 'LEGAL_ENTITY');--> statement-breakpoint
CREATE TABLE "utilities"."billing_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"month" date NOT NULL,
	"status" "utilities"."billing_period_status" DEFAULT 'OPEN' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "billing_periods_month_check" CHECK (extract(day from "utilities"."billing_periods"."month") = 1),
	CONSTRAINT "billing_periods_closed_check" CHECK (("utilities"."billing_periods"."status" = 'CLOSED') = ("utilities"."billing_periods"."closed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD COLUMN "territory_kato" char(9);--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD COLUMN "consumer_category" "utilities"."consumer_category" DEFAULT 'HOUSEHOLD' NOT NULL;--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD COLUMN "tiers" jsonb;--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD COLUMN "valid_to" date;--> statement-breakpoint
-- Hand-added: tariffs published before tiers existed become one unbounded step at their price,
-- and each open-ended tariff followed by a later one of the same supplier and service ends the
-- day before that one starts (what publishing does from now on).
UPDATE "utilities"."tariffs" SET "tiers" = jsonb_build_array(jsonb_build_object('upTo', null, 'price', "price_per_unit"::text));--> statement-breakpoint
UPDATE "utilities"."tariffs" AS t SET "valid_to" = n.next_from - 1
  FROM (SELECT "id", lead("valid_from") OVER (PARTITION BY "supplier_id", "service" ORDER BY "valid_from", "id") AS next_from FROM "utilities"."tariffs") AS n
  WHERE n."id" = t."id" AND n.next_from > t."valid_from";--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ALTER COLUMN "tiers" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "utilities"."billing_periods" ADD CONSTRAINT "billing_periods_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_periods_supplier_month_key" ON "utilities"."billing_periods" USING btree ("supplier_id","month");--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD CONSTRAINT "tariffs_period_check" CHECK ("utilities"."tariffs"."valid_to" is null or "utilities"."tariffs"."valid_to" >= "utilities"."tariffs"."valid_from");--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD CONSTRAINT "tariffs_tiers_check" CHECK (jsonb_typeof("utilities"."tariffs"."tiers") = 'array' and jsonb_array_length("utilities"."tariffs"."tiers") > 0);