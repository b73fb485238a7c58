-- Hand-edited: CREATE OR REPLACE instead of DROP and CREATE (published_building_management reads this view; its columns are unchanged).
CREATE OR REPLACE VIEW "condominium"."published_duties" AS (
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
      where r.building_id = p.building_id and r.kind::text = p.report_kind and r.period_start = p.period_start and r.status = 'PUBLISHED')
  union all
  select 'REQUEST_RESOLUTION', 'p.4.7', 'OwnerRequest', q.id, a.management_subject_id, pb.kato_code::text, q.due_on
    from condominium.owner_requests q
    join buildings.published_buildings pb on pb.id = q.building_id
    left join condominium.management_assignments a on a.building_id = q.building_id and a.valid_to is null
   where q.status not in ('DONE', 'REJECTED'));