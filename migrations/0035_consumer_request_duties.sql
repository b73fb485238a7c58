-- Hand-edited: CREATE OR REPLACE instead of DROP and CREATE (the columns are unchanged; the clock reads this view live).
CREATE OR REPLACE VIEW "utilities"."published_duties" AS (
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
          and n.published_at is not null and n.valid_from = t.valid_to + 1)
  union all
  select 'CONSUMER_REQUEST_ANSWER', 'p.29', 'ConsumerRequest', r.id, s.subject_id, pb.kato_code::text, r.deadline
    from utilities.consumer_requests r
    join utilities.suppliers s on s.id = r.supplier_id
    join utilities.personal_accounts a on a.id = r.account_id
    join buildings.published_buildings pb on pb.id = a.building_id
   where r.status in ('SUBMITTED', 'IN_PROGRESS'));