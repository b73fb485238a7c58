CREATE SCHEMA "buildings";
--> statement-breakpoint
CREATE TYPE "buildings"."balance_ownership" AS ENUM('PRIVATE_CONDOMINIUM_COMMON_PROPERTY', 'PRIVATE_SINGLE_OWNER', 'STATE_ENTERPRISE', 'STATE_INSTITUTION');--> statement-breakpoint
CREATE TYPE "buildings"."building_change" AS ENUM('REGISTERED', 'UPDATED', 'RETIRED', 'CONFIRMED');--> statement-breakpoint
CREATE TYPE "buildings"."building_condition" AS ENUM('OPERATING', 'OPERATING_NEEDS_CAPITAL_REPAIR', 'OPERATING_IN_MODERNIZATION_PROGRAMME', 'NOT_OPERATING', 'EMERGENCY');--> statement-breakpoint
CREATE TYPE "buildings"."building_purpose" AS ENUM('MULTI_APARTMENT_BUILDING_OPERATION');--> statement-breakpoint
CREATE TYPE "buildings"."fund_category" AS ENUM('RESIDENTIAL', 'NON_RESIDENTIAL');--> statement-breakpoint
CREATE TYPE "buildings"."gas_supply_kind" AS ENUM('NETWORK_NATURAL', 'LIQUEFIED_GAS_HOLDER_TANKS', 'LIQUEFIED_CYLINDERS', 'NONE');--> statement-breakpoint
CREATE TYPE "buildings"."heating_supply_kind" AS ENUM('OPEN', 'CLOSED');--> statement-breakpoint
CREATE TYPE "buildings"."owner_kind" AS ENUM('PERSON', 'ORGANISATION');--> statement-breakpoint
CREATE TYPE "buildings"."premise_kind" AS ENUM('APARTMENT', 'NON_RESIDENTIAL', 'PARKING_PLACE', 'STORAGE_ROOM');--> statement-breakpoint
CREATE TYPE "buildings"."register_status" AS ENUM('REGISTERED', 'RETIRED');--> statement-breakpoint
CREATE TYPE "buildings"."sewerage_kind" AS ENUM('CENTRALIZED', 'SEPTIC', 'OUTDOOR_TOILET');--> statement-breakpoint
CREATE TYPE "buildings"."supply_system_type" AS ENUM('CENTRAL', 'AUTONOMOUS', 'INDIVIDUAL_INSTALLATIONS', 'NONE');--> statement-breakpoint
CREATE TYPE "buildings"."territory_kind" AS ENUM('REGION', 'CITY_OF_REPUBLICAN_SIGNIFICANCE', 'DISTRICT', 'CITY', 'RURAL_DISTRICT', 'SETTLEMENT');--> statement-breakpoint
CREATE TYPE "buildings"."water_supply_kind" AS ENUM('CENTRALIZED', 'DECENTRALIZED');--> statement-breakpoint
CREATE TABLE "buildings"."building_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"building_id" uuid NOT NULL,
	"change" "buildings"."building_change" NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changes" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "buildings"."buildings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cadastral_number" varchar(200) NOT NULL,
	"kato_code" varchar(500) NOT NULL,
	"address_registration_code" char(16) NOT NULL,
	"purpose" "buildings"."building_purpose" NOT NULL,
	"fund_category" "buildings"."fund_category" NOT NULL,
	"condominium_registered" boolean NOT NULL,
	"has_technical_passport" boolean NOT NULL,
	"balance_ownership" "buildings"."balance_ownership" NOT NULL,
	"lift_count" integer NOT NULL,
	"electricity_connected" boolean NOT NULL,
	"year_built" integer NOT NULL,
	"last_capital_repair_date" date,
	"total_premises_count" integer NOT NULL,
	"floor_count" integer NOT NULL,
	"apartment_count" integer NOT NULL,
	"non_residential_premises_count" integer NOT NULL,
	"heating_supply_type" "buildings"."supply_system_type" NOT NULL,
	"heating_supply_kind" "buildings"."heating_supply_kind",
	"gas_supply_kind" "buildings"."gas_supply_kind" NOT NULL,
	"has_gas_pipeline" boolean NOT NULL,
	"hot_water_supply_type" "buildings"."supply_system_type" NOT NULL,
	"water_supply_kind" "buildings"."water_supply_kind" NOT NULL,
	"has_water_pipeline" boolean NOT NULL,
	"sewerage_kind" "buildings"."sewerage_kind" NOT NULL,
	"has_sewer" boolean NOT NULL,
	"common_meter_count" integer NOT NULL,
	"condition" "buildings"."building_condition" NOT NULL,
	"register_exit_reason" varchar(500),
	"barrier_free" boolean NOT NULL,
	"status" "buildings"."register_status" DEFAULT 'REGISTERED' NOT NULL,
	"confirmed_at" timestamp with time zone,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "buildings"."premise_owners" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"premise_id" uuid NOT NULL,
	"kind" "buildings"."owner_kind" NOT NULL,
	"identification_number" char(12) NOT NULL,
	"name" text NOT NULL,
	"share" numeric(7, 6) DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "buildings"."premises" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"kind" "buildings"."premise_kind" NOT NULL,
	"number" varchar(20) NOT NULL,
	"floor" integer,
	"area" numeric(10, 2)
);
--> statement-breakpoint
CREATE TABLE "buildings"."territories" (
	"kato_code" varchar(9) PRIMARY KEY NOT NULL,
	"parent_kato_code" varchar(9),
	"kind" "buildings"."territory_kind" NOT NULL,
	"level" smallint NOT NULL,
	"name_kk" text NOT NULL,
	"name_ru" text NOT NULL,
	"kato_prefix" varchar(9) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "buildings"."building_history" ADD CONSTRAINT "building_history_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "buildings"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buildings"."premise_owners" ADD CONSTRAINT "premise_owners_premise_id_premises_id_fk" FOREIGN KEY ("premise_id") REFERENCES "buildings"."premises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buildings"."premises" ADD CONSTRAINT "premises_building_id_buildings_id_fk" FOREIGN KEY ("building_id") REFERENCES "buildings"."buildings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "building_history_building_idx" ON "buildings"."building_history" USING btree ("building_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "buildings_cadastral_number_key" ON "buildings"."buildings" USING btree ("cadastral_number");--> statement-breakpoint
CREATE UNIQUE INDEX "buildings_address_registration_code_key" ON "buildings"."buildings" USING btree ("address_registration_code");--> statement-breakpoint
CREATE INDEX "buildings_kato_code_prefix_idx" ON "buildings"."buildings" USING btree ("kato_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "buildings_condition_idx" ON "buildings"."buildings" USING btree ("condition");--> statement-breakpoint
CREATE INDEX "buildings_heating_supply_type_idx" ON "buildings"."buildings" USING btree ("heating_supply_type");--> statement-breakpoint
CREATE INDEX "buildings_year_built_idx" ON "buildings"."buildings" USING btree ("year_built");--> statement-breakpoint
CREATE INDEX "buildings_confirmed_at_idx" ON "buildings"."buildings" USING btree ("confirmed_at");--> statement-breakpoint
CREATE INDEX "premise_owners_premise_idx" ON "buildings"."premise_owners" USING btree ("premise_id");--> statement-breakpoint
CREATE INDEX "premise_owners_identification_number_idx" ON "buildings"."premise_owners" USING btree ("identification_number");--> statement-breakpoint
CREATE UNIQUE INDEX "premises_building_kind_number_key" ON "buildings"."premises" USING btree ("building_id","kind","number");--> statement-breakpoint
CREATE INDEX "territories_parent_idx" ON "buildings"."territories" USING btree ("parent_kato_code");