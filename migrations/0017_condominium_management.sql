-- Hand edit: the form column is added nullable, backfilled from the subject kind (rows before the forms were OSIs
-- or companies under contract), then made NOT NULL, so the migration applies to a database with assignments.
CREATE TYPE "condominium"."management_form" AS ENUM('OSI', 'MANAGEMENT_COMPANY', 'DIRECT_JOINT_MANAGEMENT', 'TEMPORARY_MANAGEMENT_COMPANY');--> statement-breakpoint
ALTER TYPE "condominium"."management_subject_kind" ADD VALUE 'PREMISES_OWNER';--> statement-breakpoint
CREATE TABLE "condominium"."house_council_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"premise_id" uuid NOT NULL,
	"iin" varchar(12) NOT NULL,
	"full_name" text NOT NULL,
	"chair" boolean DEFAULT false NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "house_council_members_period_check" CHECK ("condominium"."house_council_members"."valid_to" is null or "condominium"."house_council_members"."valid_to" > "condominium"."house_council_members"."valid_from"),
	CONSTRAINT "house_council_members_iin_check" CHECK ("condominium"."house_council_members"."iin" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD COLUMN "form" "condominium"."management_form";--> statement-breakpoint
UPDATE "condominium"."management_assignments" SET "form" = "management_subject_kind"::text::"condominium"."management_form";--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ALTER COLUMN "form" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD COLUMN "contract_number" varchar(100);--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD COLUMN "contract_date" date;--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD COLUMN "tax_certificate_number" varchar(100);--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD COLUMN "tax_certificate_issued_on" date;--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD COLUMN "appointed_by_subject_id" uuid;--> statement-breakpoint
CREATE INDEX "house_council_members_building_idx" ON "condominium"."house_council_members" USING btree ("building_id","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "house_council_members_open_key" ON "condominium"."house_council_members" USING btree ("building_id","iin") WHERE "condominium"."house_council_members"."valid_to" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "house_council_members_chair_key" ON "condominium"."house_council_members" USING btree ("building_id") WHERE "condominium"."house_council_members"."chair" and "condominium"."house_council_members"."valid_to" is null;--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD CONSTRAINT "management_assignments_form_kind_check" CHECK (("condominium"."management_assignments"."form" = 'OSI' and "condominium"."management_assignments"."management_subject_kind"::text = 'OSI')
        or ("condominium"."management_assignments"."form" in ('MANAGEMENT_COMPANY', 'TEMPORARY_MANAGEMENT_COMPANY') and "condominium"."management_assignments"."management_subject_kind"::text = 'MANAGEMENT_COMPANY')
        or ("condominium"."management_assignments"."form" = 'DIRECT_JOINT_MANAGEMENT' and "condominium"."management_assignments"."management_subject_kind"::text = 'PREMISES_OWNER'));--> statement-breakpoint
ALTER TABLE "condominium"."management_assignments" ADD CONSTRAINT "management_assignments_temporary_check" CHECK (("condominium"."management_assignments"."form" = 'TEMPORARY_MANAGEMENT_COMPANY') = ("condominium"."management_assignments"."tax_certificate_number" is not null and "condominium"."management_assignments"."tax_certificate_issued_on" is not null));--> statement-breakpoint
CREATE VIEW "buildings"."published_premise_owners" AS (select "buildings"."premise_owners"."premise_id" as "premise_id", "buildings"."premises"."building_id" as "building_id", "buildings"."premise_owners"."identification_number" as "identification_number" from "buildings"."premise_owners" inner join "buildings"."premises" on "buildings"."premises"."id" = "buildings"."premise_owners"."premise_id");--> statement-breakpoint
CREATE VIEW "access"."published_managing_organisations" AS (select "id", "kind", "name" from "access"."subjects" where "access"."subjects"."kind" in ('OSI', 'MANAGEMENT_COMPANY'));--> statement-breakpoint
CREATE VIEW "access"."published_persons" AS (select "id", "iin" from "access"."persons");