DROP INDEX "buildings"."buildings_cadastral_number_key";--> statement-breakpoint
CREATE INDEX "buildings_cadastral_number_idx" ON "buildings"."buildings" USING btree ("cadastral_number");--> statement-breakpoint
CREATE UNIQUE INDEX "buildings_cadastral_number_key" ON "buildings"."buildings" USING btree (lower(btrim("cadastral_number")));