CREATE SCHEMA "platform";
--> statement-breakpoint
ALTER TYPE "access"."calendar_day_kind" SET SCHEMA "platform";--> statement-breakpoint
CREATE TABLE "platform"."idempotency_keys" (
	"placed_by" text NOT NULL,
	"operation" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_placed_by_operation_key_pk" PRIMARY KEY("placed_by","operation","key")
);
--> statement-breakpoint
ALTER TABLE "access"."holidays" SET SCHEMA "platform";
--> statement-breakpoint
ALTER TABLE "access"."outbox" SET SCHEMA "platform";
--> statement-breakpoint
ALTER TABLE "access"."receipts" SET SCHEMA "platform";
--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "platform"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE VIEW "buildings"."published_buildings" AS (select "id", "kato_code", "status" from "buildings"."buildings");--> statement-breakpoint
CREATE VIEW "buildings"."published_premises" AS (select "id", "building_id", "kind", "number" from "buildings"."premises");--> statement-breakpoint
CREATE VIEW "access"."published_administrators" AS (select "id" from "access"."persons" where "access"."persons"."is_administrator");--> statement-breakpoint
CREATE VIEW "access"."published_grants" AS (select "id", "person_id", "digital_object_id", "subject_id", "state", "ancestor_suspended", "valid_from", "valid_until" from "access"."grants");--> statement-breakpoint
CREATE VIEW "access"."published_subjects" AS (select "id", "kind", "territory_kato" from "access"."subjects");--> statement-breakpoint
CREATE VIEW "access"."published_tokens" AS (select "id", "person_id", "digital_object_id", "revoked_at", "expires_at" from "access"."api_tokens");