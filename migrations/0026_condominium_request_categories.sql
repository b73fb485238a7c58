-- Written by hand (a custom migration): the categories of owners' requests and the default
-- deadline of each (p.4.7), reference data every database needs. Deadlines are calendar days
-- from submission; change them as data (UPDATE), never in code.
INSERT INTO "condominium"."request_categories" ("code", "name_kk", "name_ru", "default_deadline_days") VALUES
  ('EMERGENCY', 'Апаттық жағдай', 'Аварийная ситуация', 1),
  ('LIFT', 'Лифт', 'Лифт', 2),
  ('HEATING', 'Жылыту', 'Отопление', 3),
  ('WATER_AND_SEWERAGE', 'Су құбыры және кәріз', 'Водопровод и канализация', 3),
  ('ELECTRICITY', 'Ортақ пайдаланылатын орындарды электрмен жабдықтау', 'Электроснабжение мест общего пользования', 3),
  ('CLEANING', 'Тазалау және аумақты абаттандыру', 'Уборка и благоустройство территории', 5),
  ('ROOF_AND_FACADE', 'Шатыр және қасбет', 'Кровля и фасад', 14),
  ('COMMON_PROPERTY_REPAIR', 'Ортақ мүлікті жөндеу', 'Ремонт общего имущества', 30),
  ('OTHER', 'Басқа', 'Прочее', 10)
ON CONFLICT ("code") DO NOTHING;
