-- meter_readings is PARTITIONED BY RANGE (taken_on), one partition per calendar month
-- (hand-edited: drizzle's table DSL cannot declare partitioning, schema/utilities.ts declares
-- the parent for typing and queries). Its primary key and unique index include taken_on, as
-- PostgreSQL requires of a partitioned table. Partitions: a DEFAULT partition for any day
-- no monthly partition covers, monthly partitions from 2020-01 to 24 months after the
-- migration runs, and utilities.ensure_reading_partitions(from, months) for later months,
-- which the utilities subgraph calls at start (months ahead: 24) and which an operator may
-- call any time; it creates only missing partitions. Old months are detached with
-- ALTER TABLE utilities.meter_readings DETACH PARTITION utilities.meter_readings_YYYY_MM.
CREATE TYPE "utilities"."meter_kind" AS ENUM('COMMON_HOUSE', 'INDIVIDUAL');--> statement-breakpoint
CREATE TYPE "utilities"."meter_status" AS ENUM('INSTALLED', 'UNDER_VERIFICATION', 'FAULTY', 'REMOVED');--> statement-breakpoint
CREATE TYPE "utilities"."reading_kind" AS ENUM('CURRENT', 'CONTROL', 'AT_VERIFICATION');--> statement-breakpoint
CREATE TYPE "utilities"."reading_source" AS ENUM('SUPPLIER', 'OWNER', 'CONTROLLER', 'AUTOMATIC');--> statement-breakpoint
CREATE TABLE "utilities"."meter_readings" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"meter_id" uuid NOT NULL,
	"supplier_id" uuid NOT NULL,
	"kato_code" varchar(500) NOT NULL,
	"zone" smallint NOT NULL,
	"taken_on" date NOT NULL,
	"value" numeric(16, 3) NOT NULL,
	"consumption" numeric(16, 3),
	"kind" "utilities"."reading_kind" NOT NULL,
	"source" "utilities"."reading_source" NOT NULL,
	"anomaly" boolean DEFAULT false NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "meter_readings_id_taken_on_pk" PRIMARY KEY("id","taken_on")
) PARTITION BY RANGE ("taken_on");
--> statement-breakpoint
CREATE TABLE "utilities"."meters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"kind" "utilities"."meter_kind" NOT NULL,
	"building_id" uuid NOT NULL,
	"premise_number" varchar(20),
	"kato_code" varchar(500) NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"serial_number" varchar(50) NOT NULL,
	"capacity_digits" smallint NOT NULL,
	"tariff_zones" smallint NOT NULL,
	"status" "utilities"."meter_status" NOT NULL,
	"installed_at" date NOT NULL,
	"sealed_at" date,
	"verified_at" date,
	"next_verification_at" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "meters_capacity_digits_check" CHECK ("utilities"."meters"."capacity_digits" between 1 and 12),
	CONSTRAINT "meters_tariff_zones_check" CHECK ("utilities"."meters"."tariff_zones" between 1 and 3),
	CONSTRAINT "meters_premise_check" CHECK (("utilities"."meters"."kind" = 'INDIVIDUAL') = ("utilities"."meters"."premise_number" is not null))
);
--> statement-breakpoint
CREATE TABLE "utilities"."reading_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reading_id" uuid NOT NULL,
	"meter_id" uuid NOT NULL,
	"zone" smallint NOT NULL,
	"taken_on" date NOT NULL,
	"previous_value" numeric(16, 3) NOT NULL,
	"new_value" numeric(16, 3) NOT NULL,
	"corrected_by" text NOT NULL,
	"corrected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "utilities"."meters" ADD CONSTRAINT "meters_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meter_readings_meter_zone_day_key" ON "utilities"."meter_readings" USING btree ("meter_id","zone","taken_on");--> statement-breakpoint
CREATE UNIQUE INDEX "meters_supplier_serial_number_key" ON "utilities"."meters" USING btree ("supplier_id","serial_number");--> statement-breakpoint
CREATE INDEX "meters_supplier_id_idx" ON "utilities"."meters" USING btree ("supplier_id","id");--> statement-breakpoint
CREATE INDEX "meters_building_idx" ON "utilities"."meters" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "meters_next_verification_idx" ON "utilities"."meters" USING btree ("next_verification_at") WHERE "utilities"."meters"."status" <> 'REMOVED';--> statement-breakpoint
CREATE INDEX "reading_corrections_reading_idx" ON "utilities"."reading_corrections" USING btree ("reading_id");--> statement-breakpoint
CREATE INDEX "meter_readings_supplier_idx" ON "utilities"."meter_readings" USING btree ("supplier_id","taken_on");--> statement-breakpoint
CREATE TABLE "utilities"."meter_readings_default" PARTITION OF "utilities"."meter_readings" DEFAULT;--> statement-breakpoint
CREATE FUNCTION "utilities"."ensure_reading_partitions"(from_month date, months integer) RETURNS integer
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
    partition_name := 'meter_readings_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass('utilities.' || partition_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE utilities.%I PARTITION OF utilities.meter_readings FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, (month_start + interval '1 month')::date);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;--> statement-breakpoint
SELECT "utilities"."ensure_reading_partitions"(date '2020-01-01',
  ((extract(year from current_date)::int - 2020) * 12 + extract(month from current_date)::int - 1 + 24));