-- Edited by hand: the last statement (after the generated ones) marks the sessions EDS sign-in issued before this column existed (label 'EDS sign-in', set only by signInWithSignature) as EDS.
CREATE TYPE "access"."token_authentication" AS ENUM('EDS', 'ISSUED');--> statement-breakpoint
ALTER TABLE "access"."api_tokens" ADD COLUMN "authentication" "access"."token_authentication" DEFAULT 'ISSUED' NOT NULL;--> statement-breakpoint
UPDATE "access"."api_tokens" SET "authentication" = 'EDS' WHERE "person_id" IS NOT NULL AND "label" = 'EDS sign-in';
