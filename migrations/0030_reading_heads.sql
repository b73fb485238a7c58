-- Hand-edited: the fill factor, utilities.rebuild_reading_heads and the first fill after the generated table.
CREATE TABLE "utilities"."meter_reading_heads" (
	"meter_id" uuid NOT NULL,
	"zone" smallint NOT NULL,
	"last_id" uuid NOT NULL,
	"last_taken_on" date NOT NULL,
	"last_value" numeric(16, 3) NOT NULL,
	"last_consumption" numeric(16, 3),
	"last_recorded_at" timestamp with time zone NOT NULL,
	"previous_value" numeric(16, 3),
	"earlier_consumptions" numeric(16, 3)[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "meter_reading_heads_meter_id_zone_pk" PRIMARY KEY("meter_id","zone")
);
--> statement-breakpoint
ALTER TABLE "utilities"."meter_reading_heads" ADD CONSTRAINT "meter_reading_heads_meter_id_meters_id_fk" FOREIGN KEY ("meter_id") REFERENCES "utilities"."meters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Every reading call updates one row per meter and zone: room on each page for the new
-- version keeps those updates HOT (the primary key is the only index and does not change).
ALTER TABLE "utilities"."meter_reading_heads" SET (fillfactor = 60);
--> statement-breakpoint
-- The heads of these meters (all meters when null) rebuilt from their readings: for readings
-- written other than by the readings' own write (bulk loads, data repairs). 3 = ANOMALY_WINDOW.
CREATE FUNCTION "utilities"."rebuild_reading_heads"(meter_ids uuid[] DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM utilities.meter_reading_heads WHERE meter_ids IS NULL OR meter_id = ANY(meter_ids);
  WITH ranked AS (
    SELECT meter_id, zone, id, taken_on, value, consumption, recorded_at,
           row_number() OVER (PARTITION BY meter_id, zone ORDER BY taken_on DESC) AS n
      FROM utilities.meter_readings
     WHERE meter_ids IS NULL OR meter_id = ANY(meter_ids)),
  earlier AS (
    SELECT meter_id, zone, array_agg(consumption ORDER BY taken_on DESC) AS consumptions
      FROM (SELECT meter_id, zone, consumption, taken_on,
                   row_number() OVER (PARTITION BY meter_id, zone ORDER BY taken_on DESC) AS k
              FROM ranked WHERE n > 1 AND consumption IS NOT NULL) e
     WHERE k <= 3
     GROUP BY meter_id, zone)
  INSERT INTO utilities.meter_reading_heads
         (meter_id, zone, last_id, last_taken_on, last_value, last_consumption, last_recorded_at, previous_value, earlier_consumptions)
  SELECT l.meter_id, l.zone, l.id, l.taken_on, l.value, l.consumption, l.recorded_at, p.value, coalesce(e.consumptions, '{}')
    FROM ranked l
    LEFT JOIN ranked p ON p.meter_id = l.meter_id AND p.zone = l.zone AND p.n = 2
    LEFT JOIN earlier e ON e.meter_id = l.meter_id AND e.zone = l.zone
   WHERE l.n = 1
     AND EXISTS (SELECT 1 FROM utilities.meters m WHERE m.id = l.meter_id);
$$;
--> statement-breakpoint
SELECT "utilities"."rebuild_reading_heads"();
