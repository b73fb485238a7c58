CREATE VIEW "buildings"."published_duties" AS (
  select 'BUILDING_CONFIRMATION'::text as kind, 'p.13'::text as rule_point, 'Building'::text as object_type,
         b.id as object_id, null::uuid as subject_id, b.kato_code::text as kato_code,
         coalesce(((b.confirmed_at at time zone 'UTC') + interval '5 hours' + interval '1 year')::date,
                  ((b.created_at at time zone 'UTC') + interval '5 hours')::date) as nominal_date
    from buildings.buildings b
   where b.status = 'REGISTERED');--> statement-breakpoint
CREATE VIEW "utilities"."published_duties" AS (
  select 'METER_VERIFICATION'::text as kind, 'p.4.12'::text as rule_point, 'Meter'::text as object_type,
         m.id as object_id, s.subject_id, m.kato_code::text as kato_code, m.next_verification_at as nominal_date
    from utilities.meters m
    join utilities.suppliers s on s.id = m.supplier_id
   where m.status <> 'REMOVED' and m.next_verification_at is not null
  union all
  select 'TARIFF_EXPIRY', 'p.4.14', 'Tariff', t.id, s.subject_id, t.territory_kato::text, t.valid_to
    from utilities.tariffs t
    join utilities.suppliers s on s.id = t.supplier_id
   where t.published_at is not null and t.valid_to is not null
     and not exists (
       select 1 from utilities.tariffs n
        where n.supplier_id = t.supplier_id and n.service = t.service and n.consumer_category = t.consumer_category
          and n.territory_kato is not distinct from t.territory_kato
          and n.published_at is not null and n.valid_from = t.valid_to + 1));--> statement-breakpoint
CREATE VIEW "access"."published_duties" AS (
  select 'APPLICATION_REVIEW'::text as kind, 'p.16'::text as rule_point, 'Application'::text as object_type,
         a.id as object_id, a.subject_id, null::text as kato_code, a.deadline as nominal_date
    from access.applications a
   where a.status = 'SUBMITTED'
  union all
  select 'GRANT_EXPIRY', 'p.20.1', 'Grant', g.id, g.subject_id, null::text,
         ((g.valid_until at time zone 'UTC') + interval '5 hours')::date
    from access.grants g
   where g.state = 'ACTIVE' and g.valid_until is not null);