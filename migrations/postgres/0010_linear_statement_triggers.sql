-- Statement triggers that stay linear in the rows a statement touches. A trigger's
-- transition tables (old_rows, new_rows) have no statistics, so the planner takes each for
-- one row: joining the two, or probing the SKU register for each new row, became a nested
-- loop over every pair. A statement of 2,000 products (a CSV import's batch, a bulk edit,
-- the roll-up after 6,000 new variants) spent seconds there. The changed rows are now
-- found with EXCEPT (a hashed set difference), and the register takes its new rows with
-- ON CONFLICT on each row's own entry; what the triggers do is unchanged.

CREATE OR REPLACE FUNCTION register_skus() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM sellable_skus AS s USING old_rows AS o
      WHERE s.sold_by = TG_TABLE_NAME AND s.row_id = o.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM sellable_skus AS s
      USING (SELECT id, sku::text FROM old_rows EXCEPT SELECT id, sku::text FROM new_rows) AS o
      WHERE s.sold_by = TG_TABLE_NAME AND s.row_id = o.id;
  END IF;
  -- A row that keeps its entry keeps it; a SKU another row holds is still refused
  -- (sku_taken).
  INSERT INTO sellable_skus (sku, sold_by, row_id)
    SELECT n.sku, TG_TABLE_NAME, n.id FROM new_rows AS n
    ON CONFLICT (sold_by, row_id) DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION index_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_TABLE_NAME = 'tags' THEN
    ids := ARRAY(SELECT DISTINCT pt.product_id
      FROM (SELECT id, name::text FROM new_rows EXCEPT SELECT id, name::text FROM old_rows) AS renamed
      JOIN product_tags AS pt ON pt.tag_id = renamed.id);
  ELSIF TG_TABLE_NAME = 'products' AND TG_OP = 'UPDATE' THEN
    ids := ARRAY(SELECT id FROM (
      SELECT id, sku::text, name, description FROM new_rows
      EXCEPT SELECT id, sku::text, name, description FROM old_rows) AS changed);
  ELSIF TG_OP = 'DELETE' THEN
    ids := ARRAY(SELECT DISTINCT (to_jsonb(o) ->> TG_ARGV[0])::bigint FROM old_rows AS o);
  ELSE
    ids := ARRAY(SELECT DISTINCT (to_jsonb(n) ->> TG_ARGV[0])::bigint FROM new_rows AS n);
  END IF;
  IF cardinality(ids) > 0 THEN
    PERFORM index_products(ids);
  END IF;
  RETURN NULL;
END $$;
