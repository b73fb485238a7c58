-- Hand-edited: reports published before channels were recorded reached owners through this system (DIGITAL_OBJECT); set so before the check.
CREATE TYPE "condominium"."report_channel" AS ENUM('DIGITAL_OBJECT', 'POSTED_PUBLICLY');--> statement-breakpoint
ALTER TABLE "condominium"."reports" ADD COLUMN "channels" "condominium"."report_channel"[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
UPDATE "condominium"."reports" SET "channels" = '{DIGITAL_OBJECT}' WHERE "status" = 'PUBLISHED';--> statement-breakpoint
ALTER TABLE "condominium"."reports" ADD CONSTRAINT "reports_channels_check" CHECK (("condominium"."reports"."status" = 'PUBLISHED') = (cardinality("condominium"."reports"."channels") > 0));