SET DateStyle=ISO; SET TimeZone='UTC'; SET extra_float_digits=3; SET bytea_output=hex; SET IntervalStyle=postgres;
CREATE TYPE mood AS ENUM ('happy', 'it''s ok');
CREATE SCHEMA "My Schema";
CREATE TYPE "My Schema"."Odd Type" AS ENUM ('a');
CREATE TABLE "My Schema"."Order Lines" ("Line No" integer PRIMARY KEY, "quote""d" text, flag boolean, m mood, o "My Schema"."Odd Type",
  ints integer[], texts text[], ts timestamptz, amount numeric(10,2), f double precision, r real, j jsonb, raw bytea,
  bits bit(4), vbits varbit, iv interval, u uuid, big text);
ALTER TABLE "My Schema"."Order Lines" ALTER COLUMN big SET STORAGE EXTERNAL;
CREATE TABLE full_t (id integer PRIMARY KEY, note text, big text);
ALTER TABLE full_t ALTER COLUMN big SET STORAGE EXTERNAL;
ALTER TABLE full_t REPLICA IDENTITY FULL;
CREATE TABLE nopk (x integer, y text);
ALTER TABLE nopk REPLICA IDENTITY FULL;
CREATE TABLE by_index (a integer NOT NULL, b integer NOT NULL, c text);
CREATE UNIQUE INDEX by_index_ab ON by_index (a, b);
ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_ab;
CREATE TABLE unkeyed (v text);
SELECT 'slot' FROM pg_create_logical_replication_slot('cap', 'test_decoding');
INSERT INTO "My Schema"."Order Lines" VALUES (1, E'it''s "q"\nline 2 ünï 🚀 back\\slash', true, 'it''s ok', 'a',
  '{1,NULL,3}', ARRAY['a,b', 'it''s', NULL, '"x"', ''], '2026-11-22 06:00:00.123456+00', 12.5, '-0', 'NaN',
  '{"k": "it''s"}', '\xdeadbeef', B'0101', B'', '1 day -00:00:01', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', repeat('ab', 1100));
INSERT INTO "My Schema"."Order Lines" ("Line No", flag, f) VALUES (2, false, 1e308);
UPDATE "My Schema"."Order Lines" SET flag = NULL WHERE "Line No" = 1;
UPDATE "My Schema"."Order Lines" SET "Line No" = 3 WHERE "Line No" = 1;
DELETE FROM "My Schema"."Order Lines" WHERE "Line No" = 3;
INSERT INTO full_t VALUES (1, NULL, repeat('cd', 1100));
UPDATE full_t SET note = 'n';
UPDATE full_t SET id = 2;
DELETE FROM full_t;
INSERT INTO nopk VALUES (1, 'a'), (NULL, NULL);
UPDATE nopk SET y = 'b' WHERE x = 1;
DELETE FROM nopk WHERE x IS NULL;
INSERT INTO by_index VALUES (1, 2, 'c');
UPDATE by_index SET c = 'd';
UPDATE by_index SET b = 3;
DELETE FROM by_index;
INSERT INTO unkeyed VALUES ('v');
DELETE FROM unkeyed;
BEGIN; INSERT INTO nopk VALUES (5, 'x'); TRUNCATE nopk, full_t; COMMIT;
TRUNCATE by_index RESTART IDENTITY CASCADE;
TRUNCATE full_t RESTART IDENTITY;
TRUNCATE full_t CASCADE;
SELECT 'm' FROM pg_logical_emit_message(false, 'tributary-heartbeat', '');
SELECT 'm' FROM pg_logical_emit_message(true, 'pre, sz: 9 content:', E'two\nlines');
