CREATE TYPE "condominium"."attached_record_kind" AS ENUM('REPORT', 'PROTOCOL', 'CONTRACT', 'REQUEST');--> statement-breakpoint
CREATE TYPE "condominium"."document_status" AS ENUM('UPLOADING', 'STORED');--> statement-breakpoint
CREATE TYPE "condominium"."published_record_kind" AS ENUM('REPORT', 'PROTOCOL');--> statement-breakpoint
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
CREATE INDEX "document_attachments_document_idx" ON "condominium"."document_attachments" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "documents_building_idx" ON "condominium"."documents" USING btree ("building_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "signed_publications_record_key" ON "condominium"."signed_publications" USING btree ("record_kind","record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signed_publications_code_key" ON "condominium"."signed_publications" USING btree ("code");--> statement-breakpoint
CREATE INDEX "signed_publications_building_idx" ON "condominium"."signed_publications" USING btree ("building_id");--> statement-breakpoint
CREATE VIEW "access"."published_subject_identification_numbers" AS (select "id", "kind", "identification_number" from "access"."subjects" where "access"."subjects"."kind" in ('OSI', 'MANAGEMENT_COMPANY', 'PREMISES_OWNER'));