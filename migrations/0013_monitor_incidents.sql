CREATE TABLE "integration"."incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"component" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"problem" text,
	"failure_notices" integer DEFAULT 0 NOT NULL,
	"recovery_notices" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "incidents_period_check" CHECK ("integration"."incidents"."ended_at" is null or "integration"."incidents"."ended_at" >= "integration"."incidents"."started_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_one_open_per_component_key" ON "integration"."incidents" USING btree ("component") WHERE "integration"."incidents"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "incidents_started_idx" ON "integration"."incidents" USING btree ("started_at");--> statement-breakpoint
CREATE VIEW "access"."published_digital_object_contacts" AS (select "access"."digital_objects"."id" as "digital_object_id", "access"."digital_objects"."name" as "digital_object_name", "access"."digital_objects"."status" as "status", "access"."digital_objects"."subject_id" as "subject_id", coalesce("access"."subjects"."email", "access"."applications"."contact_email") as "contact_email" from "access"."digital_objects" inner join "access"."subjects" on "access"."subjects"."id" = "access"."digital_objects"."subject_id" left join "access"."applications" on "access"."applications"."id" = "access"."digital_objects"."application_id");