-- The product list's orders as the SQLite catalog sorts them: names and SKUs with the 26
-- ASCII letters folded (SQLite's NOCASE) and otherwise byte by byte, whatever collation the
-- shop's server was made with, so a list pages the same on either engine. Each order has
-- its index, the folded text and the id that breaks ties, so every page seeks from its
-- cursor (BENCHMARKS.md, "Team server").
CREATE FUNCTION nocase(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;
REVOKE ALL ON FUNCTION nocase(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION nocase(text) TO shelf_staff, shelf_owner;

CREATE INDEX products_page_by_name ON products ((nocase(name) COLLATE "C"), id);
CREATE INDEX products_page_by_sku ON products ((nocase(sku::text) COLLATE "C"), id);
