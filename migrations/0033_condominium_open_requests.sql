-- Hand-edited: the function, triggers and first fill of open_request_counts follow the generated statements.
CREATE TABLE "condominium"."open_request_counts" (
	"district" varchar(4) NOT NULL,
	"due_on" date NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "open_request_counts_pkey" PRIMARY KEY("district","due_on")
);
--> statement-breakpoint
CREATE INDEX "report_publication_counts_period_idx" ON "condominium"."report_publication_counts" USING btree ("kind","period_start");;
--> statement-breakpoint
-- Hand-written below: open_request_counts kept by the owners' requests' writes (statement-level triggers with transition
-- tables, as migration condominium_analytics keeps the other summaries), by each request's own KATO code; the day kept
-- is condominium.management_count_day's (its own day while its month is not over, else the month's last day).
CREATE FUNCTION "condominium"."add_open_request_counts"(delta "condominium"."owner_requests"[], sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "condominium"."open_request_counts" AS c ("district", "due_on", "requests")
  SELECT left(q.kato_code, 4), "condominium"."management_count_day"(q.due_on), sign * count(*)::int
    FROM unnest(delta) q
   WHERE q.status NOT IN ('DONE', 'REJECTED')
   GROUP BY 1, 2
   -- One order for every writer, so two transactions never lock the same rows crosswise.
   ORDER BY 1, 2
  ON CONFLICT ("district", "due_on") DO UPDATE SET "requests" = c.requests + excluded.requests
$$;
--> statement-breakpoint
CREATE FUNCTION "condominium"."count_open_requests"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "condominium"."add_open_request_counts"(ARRAY(SELECT o::"condominium"."owner_requests" FROM old_rows o), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "condominium"."add_open_request_counts"(ARRAY(SELECT n::"condominium"."owner_requests" FROM new_rows n), 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "open_requests_counted_on_insert" AFTER INSERT ON "condominium"."owner_requests"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_open_requests"();
--> statement-breakpoint
CREATE TRIGGER "open_requests_counted_on_update" AFTER UPDATE ON "condominium"."owner_requests"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_open_requests"();
--> statement-breakpoint
CREATE TRIGGER "open_requests_counted_on_delete" AFTER DELETE ON "condominium"."owner_requests"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "condominium"."count_open_requests"();
--> statement-breakpoint
-- The rebuild of condominium's summaries (migration condominium_analytics) now covers this one too.
CREATE OR REPLACE FUNCTION "condominium"."rebuild_analytics_summaries"() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM "condominium"."management_counts";
  DELETE FROM "condominium"."report_publication_counts";
  DELETE FROM "condominium"."capital_repair_totals";
  DELETE FROM "condominium"."open_request_counts";
  SELECT "condominium"."add_management_counts"(ARRAY(SELECT a FROM "condominium"."management_assignments" a), 1);
  SELECT "condominium"."add_report_publication_counts"(ARRAY(SELECT r FROM "condominium"."reports" r WHERE r.status = 'PUBLISHED' AND r.version = 1), 1);
  SELECT "condominium"."add_capital_repair_totals"(ARRAY(
    SELECT "condominium"."fund_move_of"('capital_repair_accruals', x.building_id, x.amount_tiyn) FROM "condominium"."capital_repair_accruals" x
    UNION ALL
    SELECT "condominium"."fund_move_of"('capital_repair_payments', x.building_id, x.amount_tiyn) FROM "condominium"."capital_repair_payments" x
    UNION ALL
    SELECT "condominium"."fund_move_of"('capital_repair_spendings', x.building_id, x.amount_tiyn) FROM "condominium"."capital_repair_spendings" x));
  SELECT "condominium"."add_open_request_counts"(ARRAY(SELECT q FROM "condominium"."owner_requests" q WHERE q.status NOT IN ('DONE', 'REJECTED')), 1);
$$;
--> statement-breakpoint
SELECT "condominium"."add_open_request_counts"(ARRAY(SELECT q FROM "condominium"."owner_requests" q WHERE q.status NOT IN ('DONE', 'REJECTED')), 1);
