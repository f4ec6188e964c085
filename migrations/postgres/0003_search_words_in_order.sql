-- A product's search document lists its tags by name and its variants in position order,
-- so one catalog makes the same documents on every server, whichever plan PostgreSQL
-- picks to gather them (a push gathers all products at once, an edit one). Matching never
-- depended on the order; comparing two copies of a catalog does.
CREATE OR REPLACE FUNCTION index_products(product_ids bigint[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM product_search AS s USING unnest(product_ids) AS ids(id)
    WHERE s.product_id = ids.id AND NOT EXISTS (SELECT 1 FROM products AS p WHERE p.id = ids.id);
  WITH ids AS (SELECT DISTINCT unnest(product_ids) AS id),
  tagged AS (
    SELECT pt.product_id, string_agg(tg.name, ' ' ORDER BY tg.name) AS names
    FROM ids JOIN product_tags AS pt ON pt.product_id = ids.id JOIN tags AS tg ON tg.id = pt.tag_id
    GROUP BY pt.product_id),
  sold_as AS (
    SELECT v.product_id, string_agg(concat_ws(' ', v.sku, v.barcode, v.option1, v.option2, v.option3), ' ' ORDER BY v.position, v.id) AS words
    FROM ids JOIN variants AS v ON v.product_id = ids.id WHERE v.deleted_at IS NULL
    GROUP BY v.product_id),
  t AS (
    SELECT p.id, fold(p.sku || ' ' || p.name) AS own,
      fold(p.description || ' ' || coalesce(tagged.names, '') || ' ' || coalesce(sold_as.words, '')) AS rest
    FROM ids JOIN products AS p ON p.id = ids.id
    LEFT JOIN tagged ON tagged.product_id = p.id LEFT JOIN sold_as ON sold_as.product_id = p.id)
  INSERT INTO product_search (product_id, own_words, words, document)
  SELECT t.id, t.own, t.own || ' ' || t.rest,
    setweight(to_tsvector('simple', t.own), 'A') || setweight(to_tsvector('simple', t.rest), 'B')
  FROM t
  ON CONFLICT (product_id) DO UPDATE SET own_words = EXCLUDED.own_words, words = EXCLUDED.words,
    document = EXCLUDED.document
$$;

SELECT index_products(ARRAY(SELECT id FROM products));
