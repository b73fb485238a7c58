CREATE VIEW "buildings"."published_register_facts" AS (
  select b.id as building_id, b.kato_code::text as kato_code, b.condition::text as condition, b.total_premises_count,
         b.barrier_free, b.created_at as registered_at, b.retired_at
    from buildings.buildings b);--> statement-breakpoint
CREATE VIEW "utilities"."published_tariffs" AS (
  select t.id, t.service::text as service, t.unit::text as unit, t.consumer_category::text as consumer_category,
         t.territory_kato::text as territory_kato, t.price_per_unit, t.valid_from, t.valid_to
    from utilities.tariffs t
   where t.published_at is not null);