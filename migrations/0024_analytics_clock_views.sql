-- Hand-edited: condominium.published_duties moved before condominium.published_building_management, which reads it.
CREATE TYPE "integration"."export_status" AS ENUM('QUEUED', 'RUNNING', 'DONE', 'FAILED');--> statement-breakpoint
CREATE TABLE "integration"."export_parts" (
	"export_id" uuid NOT NULL,
	"part" integer NOT NULL,
	"rows" integer NOT NULL,
	"content" text NOT NULL,
	CONSTRAINT "export_parts_export_id_part_pk" PRIMARY KEY("export_id","part")
);
--> statement-breakpoint
CREATE TABLE "integration"."exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"kato_code" text,
	"requested_by" text NOT NULL,
	"everything" boolean NOT NULL,
	"scope_grants" jsonb NOT NULL,
	"status" "integration"."export_status" DEFAULT 'QUEUED' NOT NULL,
	"rows_total" integer,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"parts" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "integration"."export_parts" ADD CONSTRAINT "export_parts_export_id_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "integration"."exports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exports_requested_by_idx" ON "integration"."exports" USING btree ("requested_by","created_at");--> statement-breakpoint
CREATE VIEW "buildings"."published_record_quality" AS (
  select b.id as building_id, b.kato_code::text as kato_code, b.total_premises_count,
         (select count(*) from buildings.premises p where p.building_id = b.id)::int as premises_registered,
         (btrim(b.cadastral_number) <> '' and (b.heating_supply_type <> 'CENTRAL' or b.heating_supply_kind is not null)) as annex_complete,
         ((b.heating_supply_kind is null or b.heating_supply_type = 'CENTRAL')
          and b.apartment_count + b.non_residential_premises_count <= b.total_premises_count
          and (b.last_capital_repair_date is null
               or (extract(year from b.last_capital_repair_date) >= b.year_built and b.last_capital_repair_date <= current_date))
          and b.year_built <= extract(year from current_date)
          and (b.gas_supply_kind <> 'NETWORK_NATURAL' or b.has_gas_pipeline)
          and (b.sewerage_kind <> 'CENTRALIZED' or b.has_sewer)) as annex_consistent,
         coalesce(b.confirmed_at >= now() - interval '1 year', false) as confirmed_within_year
    from buildings.buildings b
   where b.status = 'REGISTERED');--> statement-breakpoint
CREATE VIEW "buildings"."published_register_facts" AS (
  select b.id as building_id, b.kato_code::text as kato_code, b.condition::text as condition, b.total_premises_count,
         b.barrier_free, b.created_at as registered_at, b.retired_at
    from buildings.buildings b);--> statement-breakpoint
CREATE VIEW "condominium"."published_duties" AS (
  with managed as (
    select a.building_id, a.management_subject_id, a.valid_from, pb.kato_code,
           date_trunc('month', (now() at time zone 'UTC') + interval '5 hours')::date as this_month
      from condominium.management_assignments a
      join buildings.published_buildings pb on pb.id = a.building_id and pb.status = 'REGISTERED'
     where a.valid_to is null
  ), periods as (
    select m.*, 'MONTHLY'::text as report_kind, p::date as period_start, (p + interval '1 month 19 days')::date as nominal_date
      from managed m,
           generate_series(greatest(date_trunc('month', m.valid_from), m.this_month - interval '12 months'),
                           m.this_month - interval '1 month', interval '1 month') p
    union all
    select m.*, 'ANNUAL', make_date(extract(year from m.this_month)::int - 1, 1, 1), make_date(extract(year from m.this_month)::int, 4, 1)
      from managed m
     where m.valid_from <= make_date(extract(year from m.this_month)::int - 1, 12, 31)
  )
  select (p.report_kind || '_REPORT')::text as kind, 'p.5'::text as rule_point, 'Building'::text as object_type,
         p.building_id as object_id, p.management_subject_id as subject_id, p.kato_code::text as kato_code, p.nominal_date
    from periods p
   where not exists (
     select 1 from condominium.reports r
      where r.building_id = p.building_id and r.kind::text = p.report_kind and r.period_start = p.period_start and r.status = 'PUBLISHED'));--> statement-breakpoint
CREATE VIEW "condominium"."published_building_management" AS (
  select a.building_id, a.management_subject_id as manager_subject_id,
         not exists (
           select 1 from condominium.published_duties d
            where d.object_id = a.building_id and d.nominal_date < ((now() at time zone 'UTC') + interval '5 hours')::date
         ) as reports_filed
    from condominium.management_assignments a
   where a.valid_to is null);--> statement-breakpoint
CREATE VIEW "utilities"."published_building_supply" AS (
  select u.building_id, u.service::text as service,
         count(*) filter (where u.source = 'account')::int as open_accounts,
         count(*) filter (where u.source = 'meter')::int as meters_in_service
    from (
      select a.building_id, a.service, 'account' as source from utilities.personal_accounts a where a.closed_at is null
      union all
      select m.building_id, m.service, 'meter' from utilities.meters m where m.status <> 'REMOVED'
      union all
      select sb.building_id, service, 'passport' from utilities.supplier_buildings sb
        join utilities.suppliers s on s.id = sb.supplier_id, unnest(s.services) as service
    ) u
   group by u.building_id, u.service);--> statement-breakpoint
CREATE VIEW "utilities"."published_tariffs" AS (
  select t.id, t.service::text as service, t.unit::text as unit, t.consumer_category::text as consumer_category,
         t.territory_kato::text as territory_kato, t.price_per_unit, t.valid_from, t.valid_to
    from utilities.tariffs t
   where t.published_at is not null);