CREATE TABLE "utilities"."supplier_buildings" (
	"supplier_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	CONSTRAINT "supplier_buildings_supplier_id_building_id_pk" PRIMARY KEY("supplier_id","building_id")
);
--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "natural_monopoly" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "territory_katos" char(9)[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "licences" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "legal_address" text;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "phone" varchar(30);--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "email" varchar(254);--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "website" varchar(300);--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "bank_name" text;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "bank_bic" varchar(11);--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "iban" char(20);--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "beneficiary_code" char(2);--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "passport_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "passport_updated_by" text;--> statement-breakpoint
ALTER TABLE "utilities"."suppliers" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "utilities"."supplier_buildings" ADD CONSTRAINT "supplier_buildings_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "supplier_buildings_building_idx" ON "utilities"."supplier_buildings" USING btree ("building_id");