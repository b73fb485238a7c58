-- Hand-edited: the functions, triggers and first fill after the generated table (see the note below).
CREATE TABLE "buildings"."building_counts" (
	"district" varchar(4) NOT NULL,
	"status" "buildings"."register_status" NOT NULL,
	"condition" "buildings"."building_condition" NOT NULL,
	"heating_supply_type" "buildings"."supply_system_type" NOT NULL,
	"decade_built" smallint NOT NULL,
	"barrier_free" boolean NOT NULL,
	"buildings" integer NOT NULL,
	"premises" bigint NOT NULL,
	"annex_fields_applicable" bigint NOT NULL,
	"annex_fields_filled" bigint NOT NULL,
	CONSTRAINT "building_counts_pkey" PRIMARY KEY("district","status","condition","heating_supply_type","decade_built","barrier_free")
);
--> statement-breakpoint
-- Hand-written below (drizzle-kit generates only the table): the functions and triggers that
-- keep building_counts current within each writing transaction, and the first fill.
-- The annex fields that apply to a record: 26 always filled, 12 (null when never repaired),
-- 18 only with central heating, 28 only once retired. Also read by the analytics of a small territory.
CREATE FUNCTION "buildings"."annex_fields_applicable"(b "buildings"."buildings") RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT 27 + (b.heating_supply_type = 'CENTRAL')::int + (b.status = 'RETIRED')::int
$$;
--> statement-breakpoint
CREATE FUNCTION "buildings"."annex_fields_filled"(b "buildings"."buildings") RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT 26 + (b.last_capital_repair_date IS NOT NULL)::int
            + (b.heating_supply_type = 'CENTRAL' AND b.heating_supply_kind IS NOT NULL)::int
            + (b.status = 'RETIRED' AND b.register_exit_reason IS NOT NULL)::int
$$;
--> statement-breakpoint
CREATE FUNCTION "buildings"."add_building_counts"(delta "buildings"."buildings"[], sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "buildings"."building_counts" AS c
    ("district", "status", "condition", "heating_supply_type", "decade_built", "barrier_free",
     "buildings", "premises", "annex_fields_applicable", "annex_fields_filled")
  SELECT left(b.kato_code, 4), b.status, b.condition, b.heating_supply_type, (b.year_built / 10 * 10)::smallint, b.barrier_free,
         sign * count(*),
         sign * sum(b.total_premises_count),
         sign * sum("buildings"."annex_fields_applicable"(b)),
         sign * sum("buildings"."annex_fields_filled"(b))
    FROM unnest(delta) AS b
   GROUP BY 1, 2, 3, 4, 5, 6
   -- One order for every writer, so two transactions never lock the same rows crosswise.
   ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("district", "status", "condition", "heating_supply_type", "decade_built", "barrier_free") DO UPDATE
     SET "buildings" = c.buildings + excluded.buildings,
         "premises" = c.premises + excluded.premises,
         "annex_fields_applicable" = c.annex_fields_applicable + excluded.annex_fields_applicable,
         "annex_fields_filled" = c.annex_fields_filled + excluded.annex_fields_filled
$$;
--> statement-breakpoint
CREATE FUNCTION "buildings"."count_buildings"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('buildings.bulk_load', true) = 'on' THEN
    RETURN NULL;
  END IF;
  -- An update takes its rows out of their old groups and adds them to the new ones.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "buildings"."add_building_counts"(ARRAY(SELECT o::"buildings"."buildings" FROM old_rows o), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM "buildings"."add_building_counts"(ARRAY(SELECT n::"buildings"."buildings" FROM new_rows n), 1);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "buildings_counted_on_insert" AFTER INSERT ON "buildings"."buildings"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "buildings"."count_buildings"();
--> statement-breakpoint
CREATE TRIGGER "buildings_counted_on_update" AFTER UPDATE ON "buildings"."buildings"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "buildings"."count_buildings"();
--> statement-breakpoint
CREATE TRIGGER "buildings_counted_on_delete" AFTER DELETE ON "buildings"."buildings"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "buildings"."count_buildings"();
--> statement-breakpoint
-- After a bulk load with the triggers off: the counts from the register itself.
CREATE FUNCTION "buildings"."rebuild_building_counts"() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM "buildings"."building_counts";
  SELECT "buildings"."add_building_counts"(ARRAY(SELECT b FROM "buildings"."buildings" b), 1);
$$;
--> statement-breakpoint
SELECT "buildings"."rebuild_building_counts"();
