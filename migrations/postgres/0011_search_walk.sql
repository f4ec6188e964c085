-- The ranked search's candidates in one walk (server::search). A search ranks the newest 256
-- live products whose document holds every typed prefix, those whose SKU or name holds
-- them (weight A) first. Once `wanted` of those are found, nothing older can come before
-- them, so the walk stops there instead of reading on to the 256th candidate: a word most
-- products have in their names stops after a few hundred rows, not thousands.
--
-- The walk is planned for its values each call (EXECUTE ... USING is a one-shot plan), as
-- the client's own statements are, so a rare prefix is still found through the GIN index.
-- Whether a candidate is in the trash is looked up for each candidate found (a join read
-- every product the walk passed, as a merge join).
CREATE FUNCTION search_candidates(matching tsquery, first tsquery, candidates bigint, wanted bigint)
  RETURNS bigint[] LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
  found record;
  firsts bigint[] := '{}';
  others bigint[] := '{}';
BEGIN
  FOR found IN EXECUTE
    'SELECT s.product_id, s.document @@ $2 AS first,
        (SELECT p.deleted_at IS NULL FROM products AS p WHERE p.id = s.product_id) AS live
       FROM product_search AS s WHERE s.document @@ $1 ORDER BY s.product_id DESC LIMIT $3'
    USING matching, first, candidates
  LOOP
    CONTINUE WHEN NOT found.live;
    IF found.first THEN
      firsts := firsts || found.product_id;
      EXIT WHEN cardinality(firsts) >= wanted;
    ELSIF cardinality(others) < wanted THEN
      others := others || found.product_id;
    END IF;
  END LOOP;
  RETURN (firsts || others)[1:wanted];
END $$;
REVOKE ALL ON FUNCTION search_candidates(tsquery, tsquery, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_candidates(tsquery, tsquery, bigint, bigint) TO shelf_staff, shelf_owner;
