DROP INDEX "access"."outbox_created_idx";--> statement-breakpoint
ALTER TABLE "access"."applications" ALTER COLUMN "submitted_at" SET DATA TYPE timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "access"."applications" ALTER COLUMN "submitted_at" SET DEFAULT now();--> statement-breakpoint
ALTER TABLE "access"."grants" ALTER COLUMN "created_at" SET DATA TYPE timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "access"."grants" ALTER COLUMN "created_at" SET DEFAULT now();--> statement-breakpoint
ALTER TABLE "access"."outbox" ALTER COLUMN "created_at" SET DATA TYPE timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "access"."outbox" ALTER COLUMN "created_at" SET DEFAULT now();--> statement-breakpoint
ALTER TABLE "access"."subjects" ALTER COLUMN "created_at" SET DATA TYPE timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "access"."subjects" ALTER COLUMN "created_at" SET DEFAULT now();--> statement-breakpoint
CREATE INDEX "applications_submitted_idx" ON "access"."applications" USING btree ("submitted_at","id");--> statement-breakpoint
CREATE INDEX "grants_created_idx" ON "access"."grants" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "subjects_created_idx" ON "access"."subjects" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "access"."outbox" USING btree ("created_at","id");