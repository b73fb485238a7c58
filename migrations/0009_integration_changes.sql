CREATE SCHEMA "integration";
--> statement-breakpoint
CREATE TYPE "integration"."delivery_status" AS ENUM('PENDING', 'DELIVERED', 'FAILED');--> statement-breakpoint
CREATE TYPE "integration"."webhook_status" AS ENUM('ACTIVE', 'PAUSED');--> statement-breakpoint
CREATE TABLE "platform"."changes" (
	"position" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "platform"."changes_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"receipt_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"kato_code" text,
	"subject_id" uuid
);
--> statement-breakpoint
CREATE TABLE "integration"."fan_out_cursor" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "fan_out_cursor_single_row" CHECK ("integration"."fan_out_cursor"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "integration"."webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"position" bigint NOT NULL,
	"status" "integration"."delivery_status" DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"replays" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "integration"."webhook_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"digital_object_id" uuid NOT NULL,
	"url" text NOT NULL,
	"types" text[] NOT NULL,
	"kato_prefix" text,
	"signing_secret" text NOT NULL,
	"notify_email" text NOT NULL,
	"scope" jsonb NOT NULL,
	"status" "integration"."webhook_status" DEFAULT 'ACTIVE' NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"paused_at" timestamp with time zone,
	"pause_count" integer DEFAULT 0 NOT NULL,
	"start_position" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_subscriptions_types_check" CHECK (cardinality("integration"."webhook_subscriptions"."types") > 0)
);
--> statement-breakpoint
ALTER TABLE "integration"."webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_webhook_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "integration"."webhook_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "changes_type_position_idx" ON "platform"."changes" USING btree ("entity_type","position");--> statement-breakpoint
CREATE INDEX "changes_subject_position_idx" ON "platform"."changes" USING btree ("subject_id","position") WHERE "platform"."changes"."subject_id" is not null;--> statement-breakpoint
CREATE INDEX "changes_kato_idx" ON "platform"."changes" USING btree ("kato_code" text_pattern_ops,"position") WHERE "platform"."changes"."kato_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_subscription_position_key" ON "integration"."webhook_deliveries" USING btree ("subscription_id","position");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_pending_idx" ON "integration"."webhook_deliveries" USING btree ("subscription_id","position") WHERE "integration"."webhook_deliveries"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "webhook_subscriptions_owner_idx" ON "integration"."webhook_subscriptions" USING btree ("digital_object_id","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_subscriptions_created_idx" ON "integration"."webhook_subscriptions" USING btree ("created_at","id");--> statement-breakpoint
INSERT INTO "integration"."fan_out_cursor" ("id", "position") VALUES (1, 0);