-- Hand edit (after drizzle-kit generate): the voting rules of owners' meetings loaded as data
-- at the end of this file. Changing a threshold or the notice period is a new migration, not code.
CREATE TYPE "condominium"."ballot_answer" AS ENUM('FOR', 'AGAINST', 'ABSTAIN');--> statement-breakpoint
CREATE TYPE "condominium"."ballot_channel" AS ENUM('IN_PERSON', 'WRITTEN_POLL', 'ELECTRONIC');--> statement-breakpoint
CREATE TYPE "condominium"."majority_base" AS ENUM('VOTES_CAST', 'ALL_PREMISES');--> statement-breakpoint
CREATE TABLE "condominium"."ballot_answers" (
	"ballot_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"answer" "condominium"."ballot_answer" NOT NULL,
	CONSTRAINT "ballot_answers_pkey" PRIMARY KEY("ballot_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "condominium"."ballots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"premise_id" uuid NOT NULL,
	"channel" "condominium"."ballot_channel" NOT NULL,
	"voter_person_id" uuid,
	"voter_name" text,
	"recorded_by" text NOT NULL,
	"cast_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ballots_voter_check" CHECK (("condominium"."ballots"."channel" = 'ELECTRONIC') = ("condominium"."ballots"."voter_person_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "condominium"."capital_repair_accruals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"premise_id" uuid NOT NULL,
	"period" date NOT NULL,
	"amount_tiyn" bigint NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "capital_repair_accruals_amount_check" CHECK ("condominium"."capital_repair_accruals"."amount_tiyn" > 0),
	CONSTRAINT "capital_repair_accruals_period_check" CHECK (extract(day from "condominium"."capital_repair_accruals"."period") = 1)
);
--> statement-breakpoint
CREATE TABLE "condominium"."capital_repair_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"premise_id" uuid NOT NULL,
	"paid_on" date NOT NULL,
	"amount_tiyn" bigint NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "capital_repair_payments_amount_check" CHECK ("condominium"."capital_repair_payments"."amount_tiyn" > 0)
);
--> statement-breakpoint
CREATE TABLE "condominium"."capital_repair_spendings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"decision_id" uuid NOT NULL,
	"spent_on" date NOT NULL,
	"amount_tiyn" bigint NOT NULL,
	"purpose" text NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "capital_repair_spendings_amount_check" CHECK ("condominium"."capital_repair_spendings"."amount_tiyn" > 0)
);
--> statement-breakpoint
CREATE TABLE "condominium"."meeting_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"kind" text NOT NULL,
	"fund_spending_tiyn" bigint,
	"votes_for" integer,
	"votes_against" integer,
	"votes_abstained" integer,
	"quorum_reached" boolean,
	"approved" boolean,
	CONSTRAINT "meeting_questions_spending_check" CHECK ("condominium"."meeting_questions"."fund_spending_tiyn" is null or "condominium"."meeting_questions"."fund_spending_tiyn" > 0)
);
--> statement-breakpoint
CREATE TABLE "condominium"."meeting_rules" (
	"single" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"notice_days" integer NOT NULL,
	"legal_basis" text NOT NULL,
	CONSTRAINT "meeting_rules_single_check" CHECK ("condominium"."meeting_rules"."single"),
	CONSTRAINT "meeting_rules_notice_check" CHECK ("condominium"."meeting_rules"."notice_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "condominium"."meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"building_id" uuid NOT NULL,
	"title" text NOT NULL,
	"notice_given_on" date NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"announced_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meetings_period_check" CHECK ("condominium"."meetings"."closes_at" > "condominium"."meetings"."opens_at")
);
--> statement-breakpoint
CREATE TABLE "condominium"."protocols" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"building_id" uuid NOT NULL,
	"premises_total" integer NOT NULL,
	"ballots_in_person" integer NOT NULL,
	"ballots_written_poll" integer NOT NULL,
	"ballots_electronic" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"annulled_at" timestamp with time zone,
	"annulment_basis" text,
	"annulled_by" text,
	CONSTRAINT "protocols_annulment_check" CHECK (("condominium"."protocols"."annulled_at" is null) = ("condominium"."protocols"."annulment_basis" is null))
);
--> statement-breakpoint
CREATE TABLE "condominium"."question_kinds" (
	"code" text PRIMARY KEY NOT NULL,
	"name_ru" text NOT NULL,
	"name_kk" text NOT NULL,
	"quorum_numerator" integer NOT NULL,
	"quorum_denominator" integer NOT NULL,
	"quorum_strict" boolean NOT NULL,
	"majority_base" "condominium"."majority_base" NOT NULL,
	"majority_numerator" integer NOT NULL,
	"majority_denominator" integer NOT NULL,
	"majority_strict" boolean NOT NULL,
	"authorizes_fund_spending" boolean DEFAULT false NOT NULL,
	"legal_basis" text NOT NULL,
	CONSTRAINT "question_kinds_quorum_check" CHECK ("condominium"."question_kinds"."quorum_numerator" > 0 and "condominium"."question_kinds"."quorum_denominator" >= "condominium"."question_kinds"."quorum_numerator"),
	CONSTRAINT "question_kinds_majority_check" CHECK ("condominium"."question_kinds"."majority_numerator" > 0 and "condominium"."question_kinds"."majority_denominator" >= "condominium"."question_kinds"."majority_numerator")
);
--> statement-breakpoint
ALTER TABLE "condominium"."ballot_answers" ADD CONSTRAINT "ballot_answers_ballot_id_ballots_id_fk" FOREIGN KEY ("ballot_id") REFERENCES "condominium"."ballots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."ballot_answers" ADD CONSTRAINT "ballot_answers_question_id_meeting_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "condominium"."meeting_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."ballots" ADD CONSTRAINT "ballots_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "condominium"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."capital_repair_spendings" ADD CONSTRAINT "capital_repair_spendings_decision_id_meeting_questions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "condominium"."meeting_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."meeting_questions" ADD CONSTRAINT "meeting_questions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "condominium"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."meeting_questions" ADD CONSTRAINT "meeting_questions_kind_question_kinds_code_fk" FOREIGN KEY ("kind") REFERENCES "condominium"."question_kinds"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "condominium"."protocols" ADD CONSTRAINT "protocols_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "condominium"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ballots_meeting_premise_key" ON "condominium"."ballots" USING btree ("meeting_id","premise_id");--> statement-breakpoint
CREATE INDEX "ballots_voter_idx" ON "condominium"."ballots" USING btree ("voter_person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "capital_repair_accruals_premise_period_key" ON "condominium"."capital_repair_accruals" USING btree ("premise_id","period");--> statement-breakpoint
CREATE INDEX "capital_repair_accruals_building_idx" ON "condominium"."capital_repair_accruals" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "capital_repair_payments_building_idx" ON "condominium"."capital_repair_payments" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "capital_repair_payments_premise_idx" ON "condominium"."capital_repair_payments" USING btree ("premise_id");--> statement-breakpoint
CREATE INDEX "capital_repair_spendings_building_idx" ON "condominium"."capital_repair_spendings" USING btree ("building_id");--> statement-breakpoint
CREATE INDEX "capital_repair_spendings_decision_idx" ON "condominium"."capital_repair_spendings" USING btree ("decision_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_questions_position_key" ON "condominium"."meeting_questions" USING btree ("meeting_id","position");--> statement-breakpoint
CREATE INDEX "meetings_building_idx" ON "condominium"."meetings" USING btree ("building_id","opens_at");--> statement-breakpoint
CREATE UNIQUE INDEX "protocols_meeting_key" ON "condominium"."protocols" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "protocols_building_idx" ON "condominium"."protocols" USING btree ("building_id");--> statement-breakpoint
INSERT INTO "condominium"."meeting_rules" ("single", "notice_days", "legal_basis") VALUES
  (true, 10, 'Law "On Housing Relations", art. 42-1: owners are notified no later than ten calendar days before the meeting');
--> statement-breakpoint
INSERT INTO "condominium"."question_kinds" ("code", "name_ru", "name_kk", "quorum_numerator", "quorum_denominator", "quorum_strict",
  "majority_base", "majority_numerator", "majority_denominator", "majority_strict", "authorizes_fund_spending", "legal_basis") VALUES
  ('ORDINARY', 'Текущие вопросы управления объектом кондоминиума', 'Кондоминиум объектісін басқарудың ағымдағы мәселелері',
    1, 2, true, 'VOTES_CAST', 1, 2, true, false,
    'Law "On Housing Relations", art. 42-1: quorum of more than half of all owners; decision by a majority of the votes cast'),
  ('CAPITAL_REPAIR', 'Капитальный ремонт общего имущества', 'Ортақ мүлікті күрделі жөндеу',
    1, 2, true, 'ALL_PREMISES', 2, 3, false, false,
    'Law "On Housing Relations", art. 42 p.2 and art. 42-1: quorum of more than half; at least two thirds of all owners'),
  ('COMMON_PROPERTY', 'Использование и отчуждение общего имущества', 'Ортақ мүлікті пайдалану және иеліктен шығару',
    1, 2, true, 'ALL_PREMISES', 2, 3, false, false,
    'Law "On Housing Relations", art. 42 p.2 and art. 42-1: quorum of more than half; at least two thirds of all owners'),
  ('FUND_SPENDING', 'Расходование накоплений на капитальный ремонт', 'Күрделі жөндеуге арналған жинақтарды жұмсау',
    1, 2, true, 'ALL_PREMISES', 2, 3, false, true,
    'Law "On Housing Relations", art. 42 p.2 and art. 42-1: the capital repair savings are spent only under a meeting decision; quorum of more than half; at least two thirds of all owners');
