CREATE TYPE "integration"."export_status" AS ENUM('QUEUED', 'RUNNING', 'DONE', 'FAILED');--> statement-breakpoint
CREATE TABLE "integration"."export_parts" (
	"export_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"rows" integer NOT NULL,
	"content" text NOT NULL,
	CONSTRAINT "export_parts_export_id_part_pk" PRIMARY KEY("export_id","part")
);
--> statement-breakpoint
CREATE TABLE "integration"."exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"kato_code" text,
	"requested_by" text NOT NULL,
	"everything" boolean NOT NULL,
	"scope_grants" jsonb NOT NULL,
	"status" "integration"."export_status" DEFAULT 'QUEUED' NOT NULL,
	"rows_total" integer,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"parts" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "integration"."export_parts" ADD CONSTRAINT "export_parts_export_id_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "integration"."exports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exports_requested_by_idx" ON "integration"."exports" USING btree ("requested_by","created_at");