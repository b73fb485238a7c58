CREATE TABLE "access"."sign_in_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"nonce_hash" char(64) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"person_id" uuid
);
--> statement-breakpoint
ALTER TABLE "access"."sign_in_challenges" ADD CONSTRAINT "sign_in_challenges_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "access"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sign_in_challenges_nonce_hash_key" ON "access"."sign_in_challenges" USING btree ("nonce_hash");--> statement-breakpoint
CREATE INDEX "sign_in_challenges_expires_idx" ON "access"."sign_in_challenges" USING btree ("expires_at");