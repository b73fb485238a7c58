CREATE TABLE "utilities"."reading_windows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"building_id" uuid,
	"first_day" smallint NOT NULL,
	"last_day" smallint NOT NULL,
	"set_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reading_windows_days_check" CHECK ("utilities"."reading_windows"."first_day" between 1 and 31 and "utilities"."reading_windows"."last_day" between "utilities"."reading_windows"."first_day" and 31)
);
--> statement-breakpoint
ALTER TABLE "utilities"."reading_windows" ADD CONSTRAINT "reading_windows_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reading_windows_supplier_building_key" ON "utilities"."reading_windows" USING btree ("supplier_id","building_id") WHERE "utilities"."reading_windows"."building_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "reading_windows_supplier_default_key" ON "utilities"."reading_windows" USING btree ("supplier_id") WHERE "utilities"."reading_windows"."building_id" is null;