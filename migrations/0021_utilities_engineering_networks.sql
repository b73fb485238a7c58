CREATE TYPE "utilities"."network_kind" AS ENUM('HEAT', 'WATER', 'SEWERAGE', 'SEWAGE_TREATMENT', 'ELECTRICITY', 'GAS');--> statement-breakpoint
CREATE TABLE "utilities"."engineering_networks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"kind" "utilities"."network_kind" NOT NULL,
	"name" text NOT NULL,
	"territory_kato" char(9) NOT NULL,
	"length_km" numeric(10, 3),
	"year_commissioned" smallint NOT NULL,
	"wear_percent" numeric(5, 2) NOT NULL,
	"last_repair_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "engineering_networks_wear_check" CHECK ("utilities"."engineering_networks"."wear_percent" between 0 and 100),
	CONSTRAINT "engineering_networks_length_check" CHECK ("utilities"."engineering_networks"."length_km" is null or "utilities"."engineering_networks"."length_km" >= 0)
);
--> statement-breakpoint
CREATE TABLE "utilities"."network_buildings" (
	"network_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	CONSTRAINT "network_buildings_network_id_building_id_pk" PRIMARY KEY("network_id","building_id")
);
--> statement-breakpoint
ALTER TABLE "utilities"."engineering_networks" ADD CONSTRAINT "engineering_networks_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."network_buildings" ADD CONSTRAINT "network_buildings_network_id_engineering_networks_id_fk" FOREIGN KEY ("network_id") REFERENCES "utilities"."engineering_networks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "engineering_networks_supplier_idx" ON "utilities"."engineering_networks" USING btree ("supplier_id","id");--> statement-breakpoint
CREATE INDEX "engineering_networks_territory_idx" ON "utilities"."engineering_networks" USING btree ("territory_kato" bpchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "network_buildings_building_idx" ON "utilities"."network_buildings" USING btree ("building_id");