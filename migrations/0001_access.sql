CREATE SCHEMA "access";
--> statement-breakpoint
CREATE TYPE "access"."agreement_kind" AS ENUM('ACCESS', 'INTEGRATION');--> statement-breakpoint
CREATE TYPE "access"."application_status" AS ENUM('SUBMITTED', 'APPROVED', 'REFUSED');--> statement-breakpoint
CREATE TYPE "access"."calendar_day_kind" AS ENUM('PUBLIC_HOLIDAY', 'TRANSFERRED_DAY_OFF', 'WORKING_WEEKEND');--> statement-breakpoint
CREATE TYPE "access"."digital_object_status" AS ENUM('TESTING', 'LIVE', 'DISABLED');--> statement-breakpoint
CREATE TYPE "access"."end_ground" AS ENUM('AGREEMENT_EXPIRED', 'REVOKED', 'RENOUNCED', 'CASCADE', 'GROUNDS_ENDED', 'FALSE_DATA', 'OTHER_LEGAL_GROUND');--> statement-breakpoint
CREATE TYPE "access"."grant_state" AS ENUM('PENDING', 'ACTIVE', 'SUSPENDED', 'ENDED');--> statement-breakpoint
CREATE TYPE "access"."subject_kind" AS ENUM('AUTHORIZED_BODY', 'ADMINISTRATOR', 'CENTRAL_STATE_BODY', 'LOCAL_EXECUTIVE_BODY', 'NATURAL_MONOPOLY', 'UTILITY_SUPPLIER', 'OSI', 'MANAGEMENT_COMPANY', 'PREMISES_OWNER', 'HOUSE_COUNCIL', 'OTHER');--> statement-breakpoint
CREATE TABLE "access"."agreements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"kind" "access"."agreement_kind" DEFAULT 'ACCESS' NOT NULL,
	"reference" text,
	"functions" text[] NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_until" timestamp with time zone,
	"application_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agreements_functions_check" CHECK (cardinality("access"."agreements"."functions") > 0 and "access"."agreements"."functions" <@ array['BUILDING_REGISTER_MAINTAIN', 'BUILDING_REGISTER_CONFIRM', 'PREMISES_MAINTAIN', 'PERSONAL_DATA_READ', 'CONDOMINIUM_MANAGE', 'SUPPLIER_REGISTER_MAINTAIN', 'PERSONAL_ACCOUNTS_MAINTAIN', 'METERS_MAINTAIN', 'READINGS_SUBMIT', 'TARIFFS_MAINTAIN', 'ENGINEERING_NETWORKS_MAINTAIN', 'ANALYTICS_READ']::text[]),
	CONSTRAINT "agreements_period_check" CHECK ("access"."agreements"."valid_until" is null or "access"."agreements"."valid_until" > "access"."agreements"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "access"."api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" char(64) NOT NULL,
	"person_id" uuid,
	"digital_object_id" uuid,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "api_tokens_owner_check" CHECK (("access"."api_tokens"."person_id" is null) <> ("access"."api_tokens"."digital_object_id" is null))
);
--> statement-breakpoint
CREATE TABLE "access"."applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"digital_object_name" text NOT NULL,
	"functions" text[] NOT NULL,
	"contact_email" text NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deadline" date NOT NULL,
	"status" "access"."application_status" DEFAULT 'SUBMITTED' NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"refusal_reason" text,
	"agreement_id" uuid,
	"digital_object_id" uuid,
	CONSTRAINT "applications_functions_check" CHECK (cardinality("access"."applications"."functions") > 0 and "access"."applications"."functions" <@ array['BUILDING_REGISTER_MAINTAIN', 'BUILDING_REGISTER_CONFIRM', 'PREMISES_MAINTAIN', 'PERSONAL_DATA_READ', 'CONDOMINIUM_MANAGE', 'SUPPLIER_REGISTER_MAINTAIN', 'PERSONAL_ACCOUNTS_MAINTAIN', 'METERS_MAINTAIN', 'READINGS_SUBMIT', 'TARIFFS_MAINTAIN', 'ENGINEERING_NETWORKS_MAINTAIN', 'ANALYTICS_READ']::text[]),
	CONSTRAINT "applications_refusal_check" CHECK (("access"."applications"."status" = 'REFUSED') = ("access"."applications"."refusal_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "access"."digital_objects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" "access"."digital_object_status" DEFAULT 'TESTING' NOT NULL,
	"application_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"live_at" timestamp with time zone,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "access"."grant_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grant_id" uuid NOT NULL,
	"from_state" "access"."grant_state",
	"to_state" "access"."grant_state" NOT NULL,
	"ground" "access"."end_ground",
	"legal_basis" text,
	"comment" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access"."grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"person_id" uuid,
	"digital_object_id" uuid,
	"subject_id" uuid NOT NULL,
	"agreement_id" uuid NOT NULL,
	"parent_grant_id" uuid,
	"functions" text[] NOT NULL,
	"state" "access"."grant_state" DEFAULT 'PENDING' NOT NULL,
	"end_ground" "access"."end_ground",
	"legal_basis" text,
	"ancestor_suspended" boolean DEFAULT false NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL,
	"valid_until" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"state_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grants_grantee_check" CHECK (("access"."grants"."person_id" is null) <> ("access"."grants"."digital_object_id" is null)),
	CONSTRAINT "grants_end_ground_check" CHECK (("access"."grants"."state" = 'ENDED') = ("access"."grants"."end_ground" is not null)),
	CONSTRAINT "grants_legal_basis_check" CHECK ("access"."grants"."end_ground" is distinct from 'OTHER_LEGAL_GROUND' or "access"."grants"."legal_basis" is not null),
	CONSTRAINT "grants_functions_check" CHECK (cardinality("access"."grants"."functions") > 0 and "access"."grants"."functions" <@ array['BUILDING_REGISTER_MAINTAIN', 'BUILDING_REGISTER_CONFIRM', 'PREMISES_MAINTAIN', 'PERSONAL_DATA_READ', 'CONDOMINIUM_MANAGE', 'SUPPLIER_REGISTER_MAINTAIN', 'PERSONAL_ACCOUNTS_MAINTAIN', 'METERS_MAINTAIN', 'READINGS_SUBMIT', 'TARIFFS_MAINTAIN', 'ENGINEERING_NETWORKS_MAINTAIN', 'ANALYTICS_READ']::text[])
);
--> statement-breakpoint
CREATE TABLE "access"."holidays" (
	"date" date PRIMARY KEY NOT NULL,
	"kind" "access"."calendar_day_kind" DEFAULT 'PUBLIC_HOLIDAY' NOT NULL,
	"name_kk" text NOT NULL,
	"name_ru" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access"."outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"recipient_email" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "access"."persons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"iin" char(12) NOT NULL,
	"full_name" text NOT NULL,
	"email" text,
	"phone" text,
	"is_administrator" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "persons_iin_check" CHECK ("access"."persons"."iin" ~ '^[0-9]{12}$')
);
--> statement-breakpoint
CREATE TABLE "access"."receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operation" text NOT NULL,
	"placed_by" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"object_ids" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access"."subjects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "access"."subject_kind" NOT NULL,
	"name" text NOT NULL,
	"identification_number" char(12) NOT NULL,
	"territory_kato" varchar(9),
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subjects_identification_number_check" CHECK ("access"."subjects"."identification_number" ~ '^[0-9]{12}$'),
	CONSTRAINT "subjects_territory_check" CHECK (("access"."subjects"."kind" = 'LOCAL_EXECUTIVE_BODY') = ("access"."subjects"."territory_kato" is not null)),
	CONSTRAINT "subjects_territory_kato_check" CHECK ("access"."subjects"."territory_kato" is null or "access"."subjects"."territory_kato" ~ '^[0-9]{9}$')
);
--> statement-breakpoint
ALTER TABLE "access"."agreements" ADD CONSTRAINT "agreements_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "access"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."api_tokens" ADD CONSTRAINT "api_tokens_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "access"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."api_tokens" ADD CONSTRAINT "api_tokens_digital_object_id_digital_objects_id_fk" FOREIGN KEY ("digital_object_id") REFERENCES "access"."digital_objects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."applications" ADD CONSTRAINT "applications_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "access"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."digital_objects" ADD CONSTRAINT "digital_objects_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "access"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grant_history" ADD CONSTRAINT "grant_history_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "access"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "access"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_digital_object_id_digital_objects_id_fk" FOREIGN KEY ("digital_object_id") REFERENCES "access"."digital_objects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_subject_id_subjects_id_fk" FOREIGN KEY ("subject_id") REFERENCES "access"."subjects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "access"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access"."grants" ADD CONSTRAINT "grants_parent_grant_id_grants_id_fk" FOREIGN KEY ("parent_grant_id") REFERENCES "access"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agreements_subject_idx" ON "access"."agreements" USING btree ("subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "access"."api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_person_idx" ON "access"."api_tokens" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "api_tokens_digital_object_idx" ON "access"."api_tokens" USING btree ("digital_object_id");--> statement-breakpoint
CREATE INDEX "applications_status_deadline_idx" ON "access"."applications" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "applications_subject_idx" ON "access"."applications" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "digital_objects_subject_idx" ON "access"."digital_objects" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "grant_history_grant_idx" ON "access"."grant_history" USING btree ("grant_id","at");--> statement-breakpoint
CREATE INDEX "grants_person_active_idx" ON "access"."grants" USING btree ("person_id") WHERE "access"."grants"."state" = 'ACTIVE' and not "access"."grants"."ancestor_suspended";--> statement-breakpoint
CREATE INDEX "grants_digital_object_active_idx" ON "access"."grants" USING btree ("digital_object_id") WHERE "access"."grants"."state" = 'ACTIVE' and not "access"."grants"."ancestor_suspended";--> statement-breakpoint
CREATE INDEX "grants_person_idx" ON "access"."grants" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "grants_digital_object_idx" ON "access"."grants" USING btree ("digital_object_id");--> statement-breakpoint
CREATE INDEX "grants_parent_idx" ON "access"."grants" USING btree ("parent_grant_id");--> statement-breakpoint
CREATE INDEX "grants_subject_state_idx" ON "access"."grants" USING btree ("subject_id","state");--> statement-breakpoint
CREATE INDEX "grants_agreement_idx" ON "access"."grants" USING btree ("agreement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe_key_key" ON "access"."outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "access"."outbox" USING btree ("next_attempt_at") WHERE "access"."outbox"."delivered_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "access"."outbox" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_iin_key" ON "access"."persons" USING btree ("iin");--> statement-breakpoint
CREATE INDEX "receipts_placed_by_idx" ON "access"."receipts" USING btree ("placed_by","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subjects_identification_number_key" ON "access"."subjects" USING btree ("identification_number");--> statement-breakpoint
-- Appended by hand (drizzle cannot express triggers): grant_history is append-only.
CREATE FUNCTION "access"."refuse_history_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access.grant_history is append-only';
END;
$$;--> statement-breakpoint
CREATE TRIGGER "grant_history_append_only" BEFORE UPDATE OR DELETE ON "access"."grant_history"
  FOR EACH ROW EXECUTE FUNCTION "access"."refuse_history_change"();
