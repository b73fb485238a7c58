-- Hand-edited: owner_requests.kato_code is added nullable, filled from the register's published view and only then made
-- NOT NULL; the functions, triggers and first fill of the three summaries follow the generated statements (see the note below).
CREATE TABLE "condominium"."capital_repair_totals" (
	"district" varchar(4) PRIMARY KEY NOT NULL,
	"accrued_tiyn" bigint NOT NULL,
	"paid_tiyn" bigint NOT NULL,
	"spent_tiyn" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "condominium"."management_counts" (
	"district" varchar(4) NOT NULL,
	"form" "condominium"."management_form" NOT NULL,
	"day" date NOT NULL,
	"buildings" integer NOT NULL,
	CONSTRAINT "management_counts_pkey" PRIMARY KEY("district","form","day")
);
--> statement-breakpoint
CREATE TABLE "condominium"."report_publication_counts" (
	"district" varchar(4) NOT NULL,
	"kind" "condominium"."report_kind" NOT NULL,
	"period_start" date NOT NULL,
	"published_on" date NOT NULL,
	"buildings" integer NOT NULL,
	CONSTRAINT "report_publication_counts_pkey" PRIMARY KEY("district","kind","period_start","published_on")
);
--> statement-breakpoint
ALTER TABLE "condominium"."owner_requests" ADD COLUMN "kato_code" varchar(9);--> statement-breakpoint
-- Hand-edited: existing requests take their building's code from the register's published view, then the column is required.
UPDATE "condominium"."owner_requests" q SET "kato_code" = coalesce(
  (SELECT left(b.kato_code, 9) FROM "buildings"."published_buildings" b WHERE b.id = q.building_id), '000000000');--> statement-breakpoint
ALTER TABLE "condominium"."owner_requests" ALTER COLUMN "kato_code" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "owner_requests_open_kato_idx" ON "condominium"."owner_requests" USING btree ("kato_code" text_pattern_ops,"due_on") WHERE "condominium"."owner_requests"."status" not in ('DONE', 'REJECTED');--> statement-breakpoint
CREATE VIEW "buildings"."published_building_counts" AS (
  select c.district::text as district, sum(c.buildings)::int as registered
    from buildings.building_counts c
   where c.status = 'REGISTERED'
   group by c.district);
--> statement-breakpoint
-- Hand-written below (drizzle-kit generates only the tables): the functions and triggers that keep condominium's
-- analytics summaries current within each writing transaction (statement-level, with transition tables, as
-- buildings.building_counts is kept), and their first fill from the existing rows. A row's district is the first
-- 4 digits of its building's KATO code, read from the register's published view when the row is written.

-- The day on which a management change is kept (see management_counts in schema/condominium.ts): its own day while
-- its month is not over (Almaty, UTC+5, as the services' almatyDate), else the last day of its month.
CREATE FUNCTION "condominium"."management_count_day"(d date) RETURNS date
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN (date_trunc('month', d) + interval '1 month' - interval '1 day')::date < ((now() AT TIME ZONE 'UTC') + interval '5 hours')::date
              THEN (date_trunc('month', d) + interval '1 month' - interval '1 day')::date
              ELSE d END
$$;
--> statement-breakpoint
CREATE FUNCTION "condominium"."add_management_counts"(delta "condominium"."management_assignments"[], sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "condominium"."management_counts" AS c ("district", "form", "day", "buildings")
  SELECT left(b.kato_code, 4), e.form, "condominium"."management_count_day"(e.day), sign * sum(e.change)::int
    FROM (SELECT a.building_id, a.form, a.valid_from AS day, 1 AS change FROM unnest(delta) a
          UNION ALL
          SELECT a.building_id, a.form, a.valid_to, -1 FROM unnest(delta) a WHERE a.valid_to IS NOT NULL) e
    JOIN "buildings"."published_buildings" b ON b.id = e.building_id
   GROUP BY 1, 2, 3
   -- One order for every writer, so two transactions never lock the same rows crosswise.
   ORDER BY 1, 2, 3
  ON CONFLICT ("district", "form", "day") DO UPDATE SET "buildings" = c.buildings + excluded.buildings
$$;
--> statement-breakpoint
CREATE FUNCTION "condominium"."count_management"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- An update takes its rows' changes out and puts the new ones in (closing an assignment adds its last day).
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "condominium"."add_management_counts"(ARRAY(SELECT o::"condominium"."management_assignments" FROM old_rows o), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "condominium"."add_management_counts"(ARRAY(SELECT n::"condominium"."management_assignments" FROM new_rows n), 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "management_counted_on_insert" AFTER INSERT ON "condominium"."management_assignments"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_management"();
--> statement-breakpoint
CREATE TRIGGER "management_counted_on_update" AFTER UPDATE ON "condominium"."management_assignments"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_management"();
--> statement-breakpoint
CREATE TRIGGER "management_counted_on_delete" AFTER DELETE ON "condominium"."management_assignments"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_management"();
--> statement-breakpoint
-- A period's first published version (version 1: a correction needs a published predecessor), counted on its Almaty
-- day when the building was managed on the period's last day (it owed the report, as ReportRepository.compliance says).
CREATE FUNCTION "condominium"."add_report_publication_counts"(delta "condominium"."reports"[], sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "condominium"."report_publication_counts" AS c ("district", "kind", "period_start", "published_on", "buildings")
  SELECT left(b.kato_code, 4), r.kind, r.period_start, ((r.published_at AT TIME ZONE 'UTC') + interval '5 hours')::date, sign * count(*)::int
    FROM unnest(delta) r
    JOIN "buildings"."published_buildings" b ON b.id = r.building_id
   WHERE r.status = 'PUBLISHED' AND r.version = 1
     AND EXISTS (
       SELECT 1 FROM "condominium"."management_assignments" a
        WHERE a.building_id = r.building_id
          AND a.valid_from <= (r.period_start + CASE r.kind WHEN 'MONTHLY' THEN interval '1 month' ELSE interval '1 year' END - interval '1 day')::date
          AND (a.valid_to IS NULL
               OR a.valid_to > (r.period_start + CASE r.kind WHEN 'MONTHLY' THEN interval '1 month' ELSE interval '1 year' END - interval '1 day')::date))
   GROUP BY 1, 2, 3, 4
   ORDER BY 1, 2, 3, 4
  ON CONFLICT ("district", "kind", "period_start", "published_on") DO UPDATE SET "buildings" = c.buildings + excluded.buildings
$$;
--> statement-breakpoint
CREATE FUNCTION "condominium"."count_report_publications"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "condominium"."add_report_publication_counts"(ARRAY(SELECT o::"condominium"."reports" FROM old_rows o WHERE o.status = 'PUBLISHED' AND o.version = 1), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "condominium"."add_report_publication_counts"(ARRAY(SELECT n::"condominium"."reports" FROM new_rows n WHERE n.status = 'PUBLISHED' AND n.version = 1), 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "report_publications_counted_on_insert" AFTER INSERT ON "condominium"."reports"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_report_publications"();
--> statement-breakpoint
CREATE TRIGGER "report_publications_counted_on_update" AFTER UPDATE ON "condominium"."reports"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_report_publications"();
--> statement-breakpoint
CREATE TRIGGER "report_publications_counted_on_delete" AFTER DELETE ON "condominium"."reports"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_report_publications"();
--> statement-breakpoint
-- Capital repair: each accrual, payment or spending moves its building's district's totals by its amount.
CREATE TYPE "condominium"."fund_move" AS (building_id uuid, accrued bigint, paid bigint, spent bigint);
--> statement-breakpoint
CREATE FUNCTION "condominium"."add_capital_repair_totals"(moves "condominium"."fund_move"[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "condominium"."capital_repair_totals" AS t ("district", "accrued_tiyn", "paid_tiyn", "spent_tiyn")
  SELECT left(b.kato_code, 4), sum(m.accrued), sum(m.paid), sum(m.spent)
    FROM unnest(moves) m
    JOIN "buildings"."published_buildings" b ON b.id = m.building_id
   GROUP BY 1
   ORDER BY 1
  ON CONFLICT ("district") DO UPDATE SET "accrued_tiyn" = t.accrued_tiyn + excluded.accrued_tiyn,
                                         "paid_tiyn" = t.paid_tiyn + excluded.paid_tiyn,
                                         "spent_tiyn" = t.spent_tiyn + excluded.spent_tiyn
$$;
--> statement-breakpoint
-- A move of `amount` in the column of the trigger's table.
CREATE FUNCTION "condominium"."fund_move_of"(table_name text, building_id uuid, amount bigint) RETURNS "condominium"."fund_move"
LANGUAGE sql IMMUTABLE AS $$
  SELECT (building_id,
          CASE WHEN table_name = 'capital_repair_accruals' THEN amount ELSE 0 END,
          CASE WHEN table_name = 'capital_repair_payments' THEN amount ELSE 0 END,
          CASE WHEN table_name = 'capital_repair_spendings' THEN amount ELSE 0 END)::"condominium"."fund_move"
$$;
--> statement-breakpoint
CREATE FUNCTION "condominium"."total_capital_repair"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "condominium"."add_capital_repair_totals"(
      ARRAY(SELECT "condominium"."fund_move_of"(TG_TABLE_NAME, o.building_id, -o.amount_tiyn) FROM old_rows o));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "condominium"."add_capital_repair_totals"(
      ARRAY(SELECT "condominium"."fund_move_of"(TG_TABLE_NAME, n.building_id, n.amount_tiyn) FROM new_rows n));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "accruals_totalled_on_insert" AFTER INSERT ON "condominium"."capital_repair_accruals"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "accruals_totalled_on_update" AFTER UPDATE ON "condominium"."capital_repair_accruals"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "accruals_totalled_on_delete" AFTER DELETE ON "condominium"."capital_repair_accruals"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "payments_totalled_on_insert" AFTER INSERT ON "condominium"."capital_repair_payments"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "payments_totalled_on_update" AFTER UPDATE ON "condominium"."capital_repair_payments"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "payments_totalled_on_delete" AFTER DELETE ON "condominium"."capital_repair_payments"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "spendings_totalled_on_insert" AFTER INSERT ON "condominium"."capital_repair_spendings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "spendings_totalled_on_update" AFTER UPDATE ON "condominium"."capital_repair_spendings"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
CREATE TRIGGER "spendings_totalled_on_delete" AFTER DELETE ON "condominium"."capital_repair_spendings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."total_capital_repair"();
--> statement-breakpoint
-- The three summaries from the records themselves, each row in its building's district now: the first fill, and the
-- repair after a bulk load with the triggers off or after buildings moved to other KATO codes in the register.
CREATE FUNCTION "condominium"."rebuild_analytics_summaries"() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM "condominium"."management_counts";
  DELETE FROM "condominium"."report_publication_counts";
  DELETE FROM "condominium"."capital_repair_totals";
  SELECT "condominium"."add_management_counts"(ARRAY(SELECT a FROM "condominium"."management_assignments" a), 1);
  SELECT "condominium"."add_report_publication_counts"(ARRAY(SELECT r FROM "condominium"."reports" r WHERE r.status = 'PUBLISHED' AND r.version = 1), 1);
  SELECT "condominium"."add_capital_repair_totals"(ARRAY(
    SELECT "condominium"."fund_move_of"('capital_repair_accruals', x.building_id, x.amount_tiyn) FROM "condominium"."capital_repair_accruals" x
    UNION ALL
    SELECT "condominium"."fund_move_of"('capital_repair_payments', x.building_id, x.amount_tiyn) FROM "condominium"."capital_repair_payments" x
    UNION ALL
    SELECT "condominium"."fund_move_of"('capital_repair_spendings', x.building_id, x.amount_tiyn) FROM "condominium"."capital_repair_spendings" x));
$$;
--> statement-breakpoint
SELECT "condominium"."rebuild_analytics_summaries"();
