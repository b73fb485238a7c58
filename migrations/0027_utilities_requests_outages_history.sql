CREATE TYPE "utilities"."account_change" AS ENUM('OPENED', 'UPDATED', 'CLOSED');--> statement-breakpoint
CREATE TYPE "utilities"."consumer_request_kind" AS ENUM('COMPLAINT', 'OUTAGE_REPORT', 'RECALCULATION_REQUEST');--> statement-breakpoint
CREATE TYPE "utilities"."consumer_request_status" AS ENUM('SUBMITTED', 'IN_PROGRESS', 'ANSWERED', 'REJECTED');--> statement-breakpoint
CREATE TYPE "utilities"."outage_kind" AS ENUM('PLANNED', 'EMERGENCY');--> statement-breakpoint
CREATE TABLE "utilities"."consumer_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"kind" "utilities"."consumer_request_kind" NOT NULL,
	"text" text NOT NULL,
	"status" "utilities"."consumer_request_status" DEFAULT 'SUBMITTED' NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deadline" date NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	"answered_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "consumer_requests_answer_check" CHECK ("utilities"."consumer_requests"."status" not in ('ANSWERED', 'REJECTED') or "utilities"."consumer_requests"."answer" is not null)
);
--> statement-breakpoint
CREATE TABLE "utilities"."outage_buildings" (
	"outage_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"kato_code" varchar(500) NOT NULL,
	CONSTRAINT "outage_buildings_outage_id_building_id_pk" PRIMARY KEY("outage_id","building_id")
);
--> statement-breakpoint
CREATE TABLE "utilities"."outages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid NOT NULL,
	"service" "utilities"."utility_service" NOT NULL,
	"kind" "utilities"."outage_kind" NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "outages_period_check" CHECK ("utilities"."outages"."ends_at" is null or "utilities"."outages"."ends_at" > "utilities"."outages"."starts_at"),
	CONSTRAINT "outages_planned_end_check" CHECK ("utilities"."outages"."kind" = 'EMERGENCY' or "utilities"."outages"."ends_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "utilities"."personal_account_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"change" "utilities"."account_change" NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changes" jsonb NOT NULL,
	"personal_data_changed" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "utilities"."consumer_requests" ADD CONSTRAINT "consumer_requests_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."consumer_requests" ADD CONSTRAINT "consumer_requests_account_id_personal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "utilities"."personal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."outage_buildings" ADD CONSTRAINT "outage_buildings_outage_id_outages_id_fk" FOREIGN KEY ("outage_id") REFERENCES "utilities"."outages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."outages" ADD CONSTRAINT "outages_supplier_id_suppliers_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "utilities"."suppliers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilities"."personal_account_history" ADD CONSTRAINT "personal_account_history_account_id_personal_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "utilities"."personal_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consumer_requests_supplier_idx" ON "utilities"."consumer_requests" USING btree ("supplier_id","id");--> statement-breakpoint
CREATE INDEX "consumer_requests_submitted_by_idx" ON "utilities"."consumer_requests" USING btree ("submitted_by","id");--> statement-breakpoint
CREATE INDEX "outage_buildings_building_idx" ON "utilities"."outage_buildings" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "outage_buildings_kato_idx" ON "utilities"."outage_buildings" USING btree ("kato_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "outages_supplier_idx" ON "utilities"."outages" USING btree ("supplier_id","id");--> statement-breakpoint
CREATE INDEX "personal_account_history_account_idx" ON "utilities"."personal_account_history" USING btree ("account_id","id");