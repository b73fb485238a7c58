-- Hand-edited: the type, functions, triggers and first fill after the generated tables (see the note below).
CREATE TABLE "utilities"."coverage_counts" (
	"district" varchar(4) NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"accounts" integer NOT NULL,
	"metered" integer NOT NULL,
	CONSTRAINT "coverage_counts_district_service_pk" PRIMARY KEY("district","service")
);
--> statement-breakpoint
CREATE TABLE "utilities"."money_counts" (
	"district" varchar(4) NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"month" date NOT NULL,
	"billed_tiyn" bigint NOT NULL,
	"paid_tiyn" bigint NOT NULL,
	CONSTRAINT "money_counts_district_service_month_pk" PRIMARY KEY("district","service","month")
);
--> statement-breakpoint
CREATE TABLE "utilities"."premise_service_counts" (
	"building_id" uuid NOT NULL,
	"premise_number" varchar(20) NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"district" varchar(4) NOT NULL,
	"open_accounts" integer NOT NULL,
	"working_meters" integer NOT NULL,
	CONSTRAINT "premise_service_counts_building_id_premise_number_service_pk" PRIMARY KEY("building_id","premise_number","service")
);
--> statement-breakpoint
CREATE TABLE "utilities"."reading_counts" (
	"district" varchar(4) NOT NULL,
	"month" date NOT NULL,
	"readings" bigint NOT NULL,
	CONSTRAINT "reading_counts_district_month_pk" PRIMARY KEY("district","month")
);

--> statement-breakpoint
-- Hand-written below (drizzle-kit generates only the tables): the functions and statement-level
-- triggers (with transition tables) that keep the analytics summaries current within each
-- writing transaction, and their first fill from the records. `set local utilities.bulk_load = 'on'`
-- skips them for a bulk load; `utilities.rebuild_analytics_summaries()` then fills them again.
-- Readings: a statement trigger with transition tables is allowed on a partitioned table's
-- parent (only row triggers with them are refused there); its tables hold every partition's rows.
-- Counted per district and month from the transition table alone: joining each reading's meter
-- (for its service) or looking up whether its meter was read earlier in the month costs 45-80 ms
-- per 10,000 readings (random look-ups by uuid), this about 3 ms. A reading's meter, day and code
-- never change (an upsert of a reading changes its value): inserts and deletes are counted.
-- Measured (2026-11-30, 2 cores at load 8, psql, in rolled-back transactions): a 10,000-reading
-- upsert shaped like the readings write, 200 districts in the batch, spends 2.7-6.3 ms (median
-- 3.4) in this trigger (EXPLAIN ANALYZE's trigger time); keeping the transition table costs under
-- 1 ms (a 10,000-row insert with a no-op transition trigger and without: within the noise). The
-- whole upsert takes 100-300 ms at that load with or without the trigger.
CREATE FUNCTION "utilities"."count_readings"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('utilities.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "utilities"."reading_counts" AS c ("district", "month", "readings")
    SELECT left(n.kato_code, 4), date_trunc('month', n.taken_on)::date, count(*)
      FROM new_rows n
     GROUP BY 1, 2
     -- One order for every writer, so two transactions never lock the same rows crosswise.
     ORDER BY 1, 2
    ON CONFLICT ("district", "month") DO UPDATE SET "readings" = c.readings + excluded.readings;
  ELSE
    INSERT INTO "utilities"."reading_counts" AS c ("district", "month", "readings")
    SELECT left(o.kato_code, 4), date_trunc('month', o.taken_on)::date, -count(*)
      FROM old_rows o
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT ("district", "month") DO UPDATE SET "readings" = c.readings + excluded.readings;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "meter_readings_counted_on_insert" AFTER INSERT ON "utilities"."meter_readings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_readings"();
--> statement-breakpoint
CREATE TRIGGER "meter_readings_counted_on_delete" AFTER DELETE ON "utilities"."meter_readings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_readings"();
--> statement-breakpoint
-- Money: charges carry their district, service and month; a payment is counted at its account's
-- building and service and its billing period's month.
CREATE FUNCTION "utilities"."add_billed"(delta "utilities"."charges"[], sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "utilities"."money_counts" AS c ("district", "service", "month", "billed_tiyn", "paid_tiyn")
  SELECT left(ch.kato_code, 4), ch.service, ch.month, sign * sum(ch.amount_tiyn), 0
    FROM unnest(delta) AS ch
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT ("district", "service", "month") DO UPDATE SET "billed_tiyn" = c.billed_tiyn + excluded.billed_tiyn
$$;
--> statement-breakpoint
CREATE FUNCTION "utilities"."add_paid"(delta "utilities"."payments"[], sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "utilities"."money_counts" AS c ("district", "service", "month", "billed_tiyn", "paid_tiyn")
  SELECT left(b.kato_code, 4), a.service, bp.month, 0, sign * sum(y.amount_tiyn)
    FROM unnest(delta) AS y
    JOIN "utilities"."billing_periods" bp ON bp.id = y.billing_period_id
    JOIN "utilities"."personal_accounts" a ON a.id = y.account_id
    JOIN "buildings"."published_buildings" b ON b.id = a.building_id
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3
  ON CONFLICT ("district", "service", "month") DO UPDATE SET "paid_tiyn" = c.paid_tiyn + excluded.paid_tiyn
$$;
--> statement-breakpoint
CREATE FUNCTION "utilities"."count_charges"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('utilities.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "utilities"."add_billed"(ARRAY(SELECT o::"utilities"."charges" FROM old_rows o), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "utilities"."add_billed"(ARRAY(SELECT n::"utilities"."charges" FROM new_rows n), 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "charges_counted_on_insert" AFTER INSERT ON "utilities"."charges"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_charges"();
--> statement-breakpoint
CREATE TRIGGER "charges_counted_on_update" AFTER UPDATE ON "utilities"."charges"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_charges"();
--> statement-breakpoint
CREATE TRIGGER "charges_counted_on_delete" AFTER DELETE ON "utilities"."charges"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_charges"();
--> statement-breakpoint
CREATE FUNCTION "utilities"."count_payments"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('utilities.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "utilities"."add_paid"(ARRAY(SELECT o::"utilities"."payments" FROM old_rows o), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "utilities"."add_paid"(ARRAY(SELECT n::"utilities"."payments" FROM new_rows n), 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "payments_counted_on_insert" AFTER INSERT ON "utilities"."payments"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_payments"();
--> statement-breakpoint
CREATE TRIGGER "payments_counted_on_update" AFTER UPDATE ON "utilities"."payments"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_payments"();
--> statement-breakpoint
CREATE TRIGGER "payments_counted_on_delete" AFTER DELETE ON "utilities"."payments"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_payments"();
--> statement-breakpoint
-- Meter coverage: accounts and meters change their premises' counts; a premises' change moves
-- its district's coverage by the difference of what it contributed before and after. The new
-- counts come back from the upsert, the old ones are the new minus the change: no second read.
CREATE TYPE "utilities"."premise_service_delta" AS (
  "building_id" uuid, "premise_number" varchar(20), "service" "utilities"."utility_service", "accounts" integer, "meters" integer
);
--> statement-breakpoint
CREATE FUNCTION "utilities"."add_premise_service_counts"(delta "utilities"."premise_service_delta"[]) RETURNS void
LANGUAGE sql AS $$
  WITH d AS (
    SELECT d.building_id, d.premise_number, d.service, sum(d.accounts)::int AS accounts, sum(d.meters)::int AS meters
      FROM unnest(delta) AS d
     GROUP BY 1, 2, 3
    HAVING sum(d.accounts) <> 0 OR sum(d.meters) <> 0),
  changed AS (
    INSERT INTO "utilities"."premise_service_counts" AS p
      ("building_id", "premise_number", "service", "district", "open_accounts", "working_meters")
    SELECT d.building_id, d.premise_number, d.service, coalesce(left(b.kato_code, 4), ''), d.accounts, d.meters
      FROM d LEFT JOIN "buildings"."published_buildings" b ON b.id = d.building_id
     ORDER BY 1, 2, 3
    ON CONFLICT ("building_id", "premise_number", "service") DO UPDATE
       SET "open_accounts" = p.open_accounts + excluded.open_accounts,
           "working_meters" = p.working_meters + excluded.working_meters
    RETURNING p.building_id, p.premise_number, p.service, p.district, p.open_accounts, p.working_meters)
  INSERT INTO "utilities"."coverage_counts" AS c ("district", "service", "accounts", "metered")
  SELECT x.district, x.service, sum(d.accounts),
         sum(CASE WHEN x.working_meters > 0 THEN x.open_accounts ELSE 0 END
             - CASE WHEN x.working_meters - d.meters > 0 THEN x.open_accounts - d.accounts ELSE 0 END)
    FROM changed x JOIN d USING ("building_id", "premise_number", "service")
   GROUP BY 1, 2
   ORDER BY 1, 2
  ON CONFLICT ("district", "service") DO UPDATE
     SET "accounts" = c.accounts + excluded.accounts, "metered" = c.metered + excluded.metered
$$;
--> statement-breakpoint
CREATE FUNCTION "utilities"."count_premise_accounts"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta "utilities"."premise_service_delta"[] := '{}';
BEGIN
  IF current_setting('utilities.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  -- An open account of premises counts; an update takes its old row out and puts its new one in.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    delta := delta || ARRAY(SELECT (o.building_id, o.premise_number, o.service, -1, 0)::"utilities"."premise_service_delta"
                              FROM old_rows o WHERE o.premise_number IS NOT NULL AND o.closed_at IS NULL);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    delta := delta || ARRAY(SELECT (n.building_id, n.premise_number, n.service, 1, 0)::"utilities"."premise_service_delta"
                              FROM new_rows n WHERE n.premise_number IS NOT NULL AND n.closed_at IS NULL);
  END IF;
  PERFORM "utilities"."add_premise_service_counts"(delta);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "utilities"."count_premise_meters"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta "utilities"."premise_service_delta"[] := '{}';
BEGIN
  IF current_setting('utilities.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  -- An individual meter not removed counts.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    delta := delta || ARRAY(SELECT (o.building_id, o.premise_number, o.service, 0, -1)::"utilities"."premise_service_delta"
                              FROM old_rows o WHERE o.kind = 'INDIVIDUAL' AND o.status <> 'REMOVED');
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    delta := delta || ARRAY(SELECT (n.building_id, n.premise_number, n.service, 0, 1)::"utilities"."premise_service_delta"
                              FROM new_rows n WHERE n.kind = 'INDIVIDUAL' AND n.status <> 'REMOVED');
  END IF;
  PERFORM "utilities"."add_premise_service_counts"(delta);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "personal_accounts_counted_on_insert" AFTER INSERT ON "utilities"."personal_accounts"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_premise_accounts"();
--> statement-breakpoint
CREATE TRIGGER "personal_accounts_counted_on_update" AFTER UPDATE ON "utilities"."personal_accounts"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_premise_accounts"();
--> statement-breakpoint
CREATE TRIGGER "personal_accounts_counted_on_delete" AFTER DELETE ON "utilities"."personal_accounts"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_premise_accounts"();
--> statement-breakpoint
CREATE TRIGGER "meters_counted_on_insert" AFTER INSERT ON "utilities"."meters"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_premise_meters"();
--> statement-breakpoint
CREATE TRIGGER "meters_counted_on_update" AFTER UPDATE ON "utilities"."meters"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_premise_meters"();
--> statement-breakpoint
CREATE TRIGGER "meters_counted_on_delete" AFTER DELETE ON "utilities"."meters"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "utilities"."count_premise_meters"();
--> statement-breakpoint
-- After a bulk load with the triggers off, and the first fill: the summaries from the records.
CREATE FUNCTION "utilities"."rebuild_analytics_summaries"() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM "utilities"."reading_counts";
  INSERT INTO "utilities"."reading_counts" ("district", "month", "readings")
  SELECT left(r.kato_code, 4), date_trunc('month', r.taken_on)::date, count(*)
    FROM "utilities"."meter_readings" r
   GROUP BY 1, 2;
  DELETE FROM "utilities"."money_counts";
  INSERT INTO "utilities"."money_counts" ("district", "service", "month", "billed_tiyn", "paid_tiyn")
  SELECT district, service, month, sum(billed), sum(paid)
    FROM (SELECT left(ch.kato_code, 4) AS district, ch.service, ch.month, ch.amount_tiyn AS billed, 0::bigint AS paid
            FROM "utilities"."charges" ch
          UNION ALL
          SELECT left(b.kato_code, 4), a.service, bp.month, 0, y.amount_tiyn
            FROM "utilities"."payments" y
            JOIN "utilities"."billing_periods" bp ON bp.id = y.billing_period_id
            JOIN "utilities"."personal_accounts" a ON a.id = y.account_id
            JOIN "buildings"."published_buildings" b ON b.id = a.building_id) money
   GROUP BY 1, 2, 3;
  DELETE FROM "utilities"."coverage_counts";
  DELETE FROM "utilities"."premise_service_counts";
  INSERT INTO "utilities"."premise_service_counts"
    ("building_id", "premise_number", "service", "district", "open_accounts", "working_meters")
  SELECT k.building_id, k.premise_number, k.service, coalesce(left(b.kato_code, 4), ''), sum(k.accounts), sum(k.meters)
    FROM (SELECT a.building_id, a.premise_number, a.service, 1 AS accounts, 0 AS meters
            FROM "utilities"."personal_accounts" a WHERE a.premise_number IS NOT NULL AND a.closed_at IS NULL
          UNION ALL
          SELECT m.building_id, m.premise_number, m.service, 0, 1
            FROM "utilities"."meters" m WHERE m.kind = 'INDIVIDUAL' AND m.status <> 'REMOVED') k
    LEFT JOIN "buildings"."published_buildings" b ON b.id = k.building_id
   GROUP BY 1, 2, 3, 4;
  INSERT INTO "utilities"."coverage_counts" ("district", "service", "accounts", "metered")
  SELECT p.district, p.service, sum(p.open_accounts), sum(CASE WHEN p.working_meters > 0 THEN p.open_accounts ELSE 0 END)
    FROM "utilities"."premise_service_counts" p
   GROUP BY 1, 2;
$$;
--> statement-breakpoint
SELECT "utilities"."rebuild_analytics_summaries"();
