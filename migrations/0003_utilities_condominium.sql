CREATE SCHEMA "condominium";
--> statement-breakpoint
CREATE SCHEMA "utilities";
--> statement-breakpoint
CREATE TYPE "condominium"."management_subject_kind" AS ENUM('OSI', 'MANAGEMENT_COMPANY');--> statement-breakpoint
CREATE TYPE "utilities"."tariff_unit" AS ENUM('CUBIC_METRE', 'KILOWATT_HOUR', 'GIGACALORIE', 'SQUARE_METRE', 'RESIDENT', 'PREMISE');--> statement-breakpoint
CREATE TYPE "utilities"."utility_service" AS ENUM('WATER_SUPPLY', 'SEWERAGE', 'GAS', 'ELECTRICITY', 'HEAT', 'WASTE_REMOVAL', 'LIFT_MAINTENANCE');--> statement-breakpoint
CREATE TABLE "condominium"."management_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"management_subject_id" uuid NOT NULL,
	"management_subject_kind" "condominium"."management_subject_kind" NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"assigned_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "management_assignments_period_check" CHECK ("condominium"."management_assignments"."valid_to" is null or "condominium"."management_assignments"."valid_to" >= "condominium"."management_assignments"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "utilities"."personal_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"premise_number" varchar(20),
	"account_number" varchar(50) NOT NULL,
	"holder_name" text NOT NULL,
	"holder_iin" char(12) NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"opened_at" date NOT NULL,
	"closed_at" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "personal_accounts_period_check" CHECK ("utilities"."personal_accounts"."closed_at" is null or "utilities"."personal_accounts"."closed_at" >= "utilities"."personal_accounts"."opened_at")
);
--> statement-breakpoint
CREATE TABLE "utilities"."suppliers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"name" text NOT NULL,
	"bin" char(12) NOT NULL,
	"services" "utilities"."utility_service"[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppliers_services_check" CHECK (cardinality("utilities"."suppliers"."services") > 0)
);
--> statement-breakpoint
CREATE TABLE "utilities"."tariffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"price_per_unit" numeric(14, 4) NOT NULL,
	"unit" "utilities"."tariff_unit" NOT NULL,
	"valid_from" date NOT NULL,
	"published_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "utilities"."personal_accounts" ADD CONSTRAINT "personal_accounts_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."tariffs" ADD CONSTRAINT "tariffs_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "management_assignments_building_open_key" ON "condominium"."management_assignments" USING btree ("building_id") WHERE "condominium"."management_assignments"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "management_assignments_building_idx" ON "condominium"."management_assignments" USING btree ("building_id","valid_from");--> statement-breakpoint
CREATE INDEX "management_assignments_subject_idx" ON "condominium"."management_assignments" USING btree ("management_subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "personal_accounts_supplier_account_number_key" ON "utilities"."personal_accounts" USING btree ("supplier_id","account_number");--> statement-breakpoint
CREATE INDEX "personal_accounts_supplier_id_idx" ON "utilities"."personal_accounts" USING btree ("supplier_id","id");--> statement-breakpoint
CREATE INDEX "personal_accounts_building_idx" ON "utilities"."personal_accounts" USING btree ("building_id");--> statement-breakpoint
CREATE UNIQUE INDEX "suppliers_subject_id_key" ON "utilities"."suppliers" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "suppliers_bin_key" ON "utilities"."suppliers" USING btree ("bin");--> statement-breakpoint
CREATE INDEX "tariffs_supplier_service_idx" ON "utilities"."tariffs" USING btree ("supplier_id","service","valid_from");--> statement-breakpoint
CREATE INDEX "tariffs_published_idx" ON "utilities"."tariffs" USING btree ("published_at") WHERE "utilities"."tariffs"."published_at" is not null;