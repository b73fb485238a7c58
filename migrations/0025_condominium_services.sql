CREATE TYPE "condominium"."owner_request_status" AS ENUM('SUBMITTED', 'ACCEPTED', 'IN_PROGRESS', 'DONE', 'REJECTED', 'REOPENED');--> statement-breakpoint
CREATE TYPE "condominium"."planned_work_status" AS ENUM('PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED');--> statement-breakpoint
CREATE TABLE "condominium"."contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"management_subject_id" uuid NOT NULL,
	"number" varchar(100) NOT NULL,
	"subject" text NOT NULL,
	"counterparty_name" varchar(300) NOT NULL,
	"counterparty_bin" char(12) NOT NULL,
	"signed_on" date NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"amount_tiyn" bigint NOT NULL,
	"placed_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_amount_check" CHECK ("condominium"."contracts"."amount_tiyn" >= 0),
	CONSTRAINT "contracts_period_check" CHECK ("condominium"."contracts"."valid_to" is null or "condominium"."contracts"."valid_to" >= "condominium"."contracts"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "condominium"."owner_request_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"status" "condominium"."owner_request_status" NOT NULL,
	"reason" text,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "condominium"."owner_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"premise_id" uuid,
	"category_code" varchar(40) NOT NULL,
	"description" text NOT NULL,
	"contact_phone" varchar(20),
	"requester_person_id" uuid NOT NULL,
	"status" "condominium"."owner_request_status" DEFAULT 'SUBMITTED' NOT NULL,
	"due_on" date NOT NULL,
	"rejection_reason" text,
	"rating" smallint,
	"rating_comment" text,
	"submitted_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "owner_requests_rating_check" CHECK ("condominium"."owner_requests"."rating" is null or "condominium"."owner_requests"."rating" between 1 and 5),
	CONSTRAINT "owner_requests_rejection_check" CHECK ("condominium"."owner_requests"."status" <> 'REJECTED' or "condominium"."owner_requests"."rejection_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "condominium"."planned_works" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"management_subject_id" uuid NOT NULL,
	"title" varchar(300) NOT NULL,
	"description" text,
	"planned_cost_tiyn" bigint NOT NULL,
	"actual_cost_tiyn" bigint,
	"planned_start" date NOT NULL,
	"planned_end" date NOT NULL,
	"started_on" date,
	"completed_on" date,
	"status" "condominium"."planned_work_status" DEFAULT 'PLANNED' NOT NULL,
	"cancellation_reason" text,
	"placed_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "planned_works_cost_check" CHECK ("condominium"."planned_works"."planned_cost_tiyn" >= 0 and ("condominium"."planned_works"."actual_cost_tiyn" is null or "condominium"."planned_works"."actual_cost_tiyn" >= 0)),
	CONSTRAINT "planned_works_period_check" CHECK ("condominium"."planned_works"."planned_end" >= "condominium"."planned_works"."planned_start")
);
--> statement-breakpoint
CREATE TABLE "condominium"."request_categories" (
	"code" varchar(40) PRIMARY KEY NOT NULL,
	"name_kk" text NOT NULL,
	"name_ru" text NOT NULL,
	"default_deadline_days" integer NOT NULL,
	CONSTRAINT "request_categories_deadline_check" CHECK ("condominium"."request_categories"."default_deadline_days" between 1 and 365)
);
--> statement-breakpoint
ALTER TABLE "condominium"."owner_request_events" ADD CONSTRAINT "owner_request_events_request_id_owner_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "condominium"."owner_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."owner_requests" ADD CONSTRAINT "owner_requests_category_code_request_categories_code_fk" FOREIGN KEY ("category_code") REFERENCES "condominium"."request_categories"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contracts_building_idx" ON "condominium"."contracts" USING btree ("building_id","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_building_number_key" ON "condominium"."contracts" USING btree ("building_id","number");--> statement-breakpoint
CREATE INDEX "owner_request_events_request_idx" ON "condominium"."owner_request_events" USING btree ("request_id","changed_at");--> statement-breakpoint
CREATE INDEX "owner_requests_building_idx" ON "condominium"."owner_requests" USING btree ("building_id","submitted_at");--> statement-breakpoint
CREATE INDEX "owner_requests_requester_idx" ON "condominium"."owner_requests" USING btree ("requester_person_id","submitted_at");--> statement-breakpoint
CREATE INDEX "owner_requests_open_due_idx" ON "condominium"."owner_requests" USING btree ("due_on") WHERE "condominium"."owner_requests"."status" not in ('DONE', 'REJECTED');--> statement-breakpoint
CREATE INDEX "planned_works_building_idx" ON "condominium"."planned_works" USING btree ("building_id","planned_start");