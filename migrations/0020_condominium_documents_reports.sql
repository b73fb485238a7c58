CREATE TYPE "condominium"."attached_record_kind" AS ENUM('REPORT', 'PROTOCOL', 'CONTRACT', 'REQUEST');--> statement-breakpoint
CREATE TYPE "condominium"."document_status" AS ENUM('UPLOADING', 'STORED');--> statement-breakpoint
CREATE TYPE "condominium"."published_record_kind" AS ENUM('REPORT', 'PROTOCOL');--> statement-breakpoint
CREATE TYPE "condominium"."report_kind" AS ENUM('MONTHLY', 'ANNUAL');--> statement-breakpoint
CREATE TYPE "condominium"."report_line_direction" AS ENUM('INCOME', 'EXPENSE');--> statement-breakpoint
CREATE TYPE "condominium"."report_status" AS ENUM('DRAFT', 'SIGNED', 'PUBLISHED');--> statement-breakpoint
CREATE TABLE "condominium"."document_attachments" (
	"record_kind" "condominium"."attached_record_kind" NOT NULL,
	"record_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "document_attachments_pkey" PRIMARY KEY("record_kind","record_id","document_id")
);
--> statement-breakpoint
CREATE TABLE "condominium"."document_parts" (
	"document_id" uuid NOT NULL,
	"offset" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "document_parts_pkey" PRIMARY KEY("document_id","offset")
);
--> statement-breakpoint
CREATE TABLE "condominium"."documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" char(64) NOT NULL,
	"status" "condominium"."document_status" DEFAULT 'UPLOADING' NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stored_at" timestamp with time zone,
	CONSTRAINT "documents_size_check" CHECK ("condominium"."documents"."size" > 0 and "condominium"."documents"."size" <= 20971520),
	CONSTRAINT "documents_sha256_check" CHECK ("condominium"."documents"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "documents_stored_check" CHECK (("condominium"."documents"."status" = 'STORED') = ("condominium"."documents"."stored_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "condominium"."report_lines" (
	"report_id" uuid NOT NULL,
	"direction" "condominium"."report_line_direction" NOT NULL,
	"position" integer NOT NULL,
	"category" text NOT NULL,
	"description" text,
	"amount" bigint NOT NULL,
	CONSTRAINT "report_lines_pkey" PRIMARY KEY("report_id","direction","position"),
	CONSTRAINT "report_lines_amount_check" CHECK ("condominium"."report_lines"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "condominium"."report_works" (
	"report_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"description" text NOT NULL,
	"cost" bigint NOT NULL,
	"completed_on" date,
	CONSTRAINT "report_works_pkey" PRIMARY KEY("report_id","position"),
	CONSTRAINT "report_works_cost_check" CHECK ("condominium"."report_works"."cost" >= 0)
);
--> statement-breakpoint
CREATE TABLE "condominium"."reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"kind" "condominium"."report_kind" NOT NULL,
	"period_start" date NOT NULL,
	"version" integer NOT NULL,
	"replaces_id" uuid,
	"correction_reason" text,
	"status" "condominium"."report_status" DEFAULT 'DRAFT' NOT NULL,
	"manager_subject_id" uuid NOT NULL,
	"opening_balance" bigint NOT NULL,
	"income_total" bigint NOT NULL,
	"expense_total" bigint NOT NULL,
	"closing_balance" bigint NOT NULL,
	"fund_opening_balance" bigint NOT NULL,
	"fund_contributions" bigint NOT NULL,
	"fund_spending" bigint NOT NULL,
	"fund_closing_balance" bigint NOT NULL,
	"drafted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "reports_period_check" CHECK (extract(day from "condominium"."reports"."period_start") = 1 and ("condominium"."reports"."kind" = 'MONTHLY' or extract(month from "condominium"."reports"."period_start") = 1)),
	CONSTRAINT "reports_published_check" CHECK (("condominium"."reports"."status" = 'PUBLISHED') = ("condominium"."reports"."published_at" is not null)),
	CONSTRAINT "reports_correction_check" CHECK (("condominium"."reports"."replaces_id" is null) = ("condominium"."reports"."correction_reason" is null) and ("condominium"."reports"."replaces_id" is null) = ("condominium"."reports"."version" = 1)),
	CONSTRAINT "reports_totals_check" CHECK ("condominium"."reports"."closing_balance" = "condominium"."reports"."opening_balance" + "condominium"."reports"."income_total" - "condominium"."reports"."expense_total"
      and "condominium"."reports"."fund_closing_balance" = "condominium"."reports"."fund_opening_balance" + "condominium"."reports"."fund_contributions" - "condominium"."reports"."fund_spending")
);
--> statement-breakpoint
CREATE TABLE "condominium"."signed_publications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_kind" "condominium"."published_record_kind" NOT NULL,
	"record_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"title" text NOT NULL,
	"code" text NOT NULL,
	"content" "bytea" NOT NULL,
	"content_sha256" char(64) NOT NULL,
	"signature" "bytea" NOT NULL,
	"signer_bin" char(12),
	"signer_organisation_name" text,
	"signer_iin" char(12),
	"signer_common_name" text,
	"certificate_serial" text NOT NULL,
	"certificate_issuer" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "condominium"."document_attachments" ADD CONSTRAINT "document_attachments_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "condominium"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."document_parts" ADD CONSTRAINT "document_parts_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "condominium"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."report_lines" ADD CONSTRAINT "report_lines_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "condominium"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."report_works" ADD CONSTRAINT "report_works_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "condominium"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."reports" ADD CONSTRAINT "reports_replaces_id_reports_id_fk" FOREIGN KEY ("replaces_id") REFERENCES "condominium"."reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_attachments_document_idx" ON "condominium"."document_attachments" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "documents_building_idx" ON "condominium"."documents" USING btree ("building_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_version_key" ON "condominium"."reports" USING btree ("building_id","kind","period_start","version");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_unpublished_key" ON "condominium"."reports" USING btree ("building_id","kind","period_start") WHERE "condominium"."reports"."status" <> 'PUBLISHED';--> statement-breakpoint
CREATE INDEX "reports_period_idx" ON "condominium"."reports" USING btree ("kind","period_start","building_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signed_publications_record_key" ON "condominium"."signed_publications" USING btree ("record_kind","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signed_publications_code_key" ON "condominium"."signed_publications" USING btree ("code");--> statement-breakpoint
CREATE INDEX "signed_publications_building_idx" ON "condominium"."signed_publications" USING btree ("building_id");--> statement-breakpoint
CREATE VIEW "access"."published_subject_identification_numbers" AS (select "id", "kind", "identification_number" from "access"."subjects" where "access"."subjects"."kind" in ('OSI', 'MANAGEMENT_COMPANY', 'PREMISES_OWNER'));