-- Hand-edited (drizzle-kit cannot declare partitioning; schema/utilities.ts declares the parent
-- for typing and queries): charges become PARTITIONED BY RANGE (month), one partition per
-- calendar month of the billing period, like meter_readings in 0010, and carry the KATO code
-- of the account's building. The primary key and the one-CHARGE-per-period unique index
-- include month, as PostgreSQL requires of a partitioned table. Partitions: a DEFAULT one,
-- monthly ones from 2020-01 to 24 months after the migration runs, and
-- utilities.ensure_charge_partitions(from, months) for later months (called with the
-- readings' at the utilities subgraph's start and daily; it creates only missing partitions).
-- Existing lines are copied with their period's month and their building's KATO code.
-- Old months are detached with ALTER TABLE utilities.charges DETACH PARTITION utilities.charges_YYYY_MM.
DROP INDEX "utilities"."charges_one_charge_per_period_key";--> statement-breakpoint
DROP INDEX "utilities"."charges_period_idx";--> statement-breakpoint
ALTER TABLE "utilities"."charges" RENAME TO "charges_unpartitioned";--> statement-breakpoint
CREATE TABLE "utilities"."charges" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"billing_period_id" uuid NOT NULL,
	"month" date NOT NULL,
	"kato_code" varchar(500) NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"kind" "utilities"."charge_kind" NOT NULL,
	"basis" "utilities"."charge_basis" NOT NULL,
	"volume" numeric(14, 4) NOT NULL,
	"tariff_id" uuid NOT NULL,
	"amount_tiyn" bigint NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "charges_id_month_pk" PRIMARY KEY("id","month"),
	CONSTRAINT "charges_reason_check" CHECK (("utilities"."charges"."kind" = 'RECALCULATION') = ("utilities"."charges"."reason" is not null))
) PARTITION BY RANGE ("month");
--> statement-breakpoint
CREATE TABLE "utilities"."charges_default" PARTITION OF "utilities"."charges" DEFAULT;--> statement-breakpoint
CREATE FUNCTION "utilities"."ensure_charge_partitions"(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', from_month)::date;
  created integer := 0;
  month_start date;
  partition_name text;
BEGIN
  IF months < 0 OR months > 600 THEN
    RAISE EXCEPTION 'months must be 0 to 600';
  END IF;
  FOR i IN 0..months LOOP
    month_start := (first_day + make_interval(months => i))::date;
    partition_name := 'charges_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass('utilities.' || partition_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE utilities.%I PARTITION OF utilities.charges FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, (month_start + interval '1 month')::date);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;--> statement-breakpoint
SELECT "utilities"."ensure_charge_partitions"(date '2020-01-01',
  ((extract(year from current_date)::int - 2020) * 12 + extract(month from current_date)::int - 1 + 24));--> statement-breakpoint
INSERT INTO "utilities"."charges"
  ("id", "supplier_id", "account_id", "billing_period_id", "month", "kato_code", "service", "kind", "basis", "volume", "tariff_id", "amount_tiyn", "reason", "created_at")
SELECT c."id", c."supplier_id", c."account_id", c."billing_period_id", bp."month",
       coalesce((SELECT b."kato_code" FROM "buildings"."published_buildings" b WHERE b."id" = a."building_id"), ''),
       c."service", c."kind", c."basis", c."volume", c."tariff_id", c."amount_tiyn", c."reason", c."created_at"
  FROM "utilities"."charges_unpartitioned" c
  JOIN "utilities"."billing_periods" bp ON bp."id" = c."billing_period_id"
  JOIN "utilities"."personal_accounts" a ON a."id" = c."account_id";--> statement-breakpoint
DROP TABLE "utilities"."charges_unpartitioned";--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_account_id_personal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "utilities"."personal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_billing_period_id_billing_periods_id_fk" FOREIGN KEY ("billing_period_id") REFERENCES "utilities"."billing_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."charges" ADD CONSTRAINT "charges_tariff_id_tariffs_id_fk" FOREIGN KEY ("tariff_id") REFERENCES "utilities"."tariffs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "charges_one_charge_per_period_key" ON "utilities"."charges" USING btree ("account_id","month","billing_period_id") WHERE "utilities"."charges"."kind" = 'CHARGE';--> statement-breakpoint
CREATE INDEX "charges_period_idx" ON "utilities"."charges" USING btree ("billing_period_id","account_id");--> statement-breakpoint
CREATE INDEX "charges_account_month_idx" ON "utilities"."charges" USING btree ("account_id","month");
