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
   group by u.building_id, u.service);